import { errorMessage, type DeployContext } from '../../core/plugin-api.js';
import { containerLogLines } from './container-log-lines.js';
import type { DockerEngine } from './docker-engine.js';

/** A container's output on its way to the operation's followers. */
export interface OutputRelay {
  /** Stops at once (the container was judged ready or failed); lines not delivered yet are dropped. */
  stop(): void;
  /**
   * For a container that exited: lets the engine deliver the rest of its output (its stream
   * then ends by itself), for at most `graceMs`, then stops.
   */
  finish(graceMs: number): Promise<void>;
}

const idle: OutputRelay = { stop: () => undefined, finish: () => Promise.resolve() };

/**
 * Follows a new container's output (stdout and stderr, from its start: the engine sends what the
 * container already wrote first) and relays each line through `context.output` until the relay
 * is stopped. Without `context.output` nobody follows the operation and nothing is read. A
 * failure to read costs the lines, never the deploy.
 */
export function relayContainerOutput(engine: DockerEngine, containerId: string, service: string, context: Pick<DeployContext, 'output' | 'log'>): OutputRelay {
  const { output } = context;
  if (output === undefined) return idle;
  const stopped = new AbortController();
  const relayed = (async () => {
    const log = await engine.containerLog(containerId, { follow: true, signal: stopped.signal });
    for await (const { line } of containerLogLines(log, service)) {
      if (stopped.signal.aborted) return;
      output({ service, line });
    }
  })().catch((err: unknown) => {
    if (!stopped.signal.aborted) context.log.debug({ service, reason: errorMessage(err) }, 'could not follow the output of a starting container');
  });
  const stop = () => stopped.abort();
  return {
    stop,
    finish: (graceMs) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => (stop(), resolve()), graceMs);
        void relayed.then(() => (clearTimeout(timer), stop(), resolve()));
      }),
  };
}

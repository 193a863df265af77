import { errorMessage, type DeployContext } from '../../core/plugin-api.js';
import { containerLogLines } from './container-log-lines.js';
import type { DockerEngine } from './docker-engine.js';

/** How long the engine may take to deliver the rest of a finished container's output. */
export const OUTPUT_GRACE_MS = 2_000;

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

/** What ends the reading of an output: `stop` at once, `finish` once the rest is delivered. */
export interface RelaySignals {
  readonly stop: AbortSignal;
  readonly finish: AbortSignal;
}

const idle: OutputRelay = { stop: () => undefined, finish: () => Promise.resolve() };

/**
 * Relays each line `read` yields through `context.output` until the relay is stopped, or until
 * `read` ends after `finish`. Without `context.output` nobody follows the operation and nothing
 * is read. A failure to read costs the lines, never the deploy.
 */
export function relayOutput(service: string, context: Pick<DeployContext, 'output' | 'log'>, read: (signals: RelaySignals) => AsyncIterable<string>): OutputRelay {
  const { output } = context;
  if (output === undefined) return idle;
  const stopped = new AbortController();
  const finishing = new AbortController();
  const relayed = (async () => {
    for await (const line of read({ stop: stopped.signal, finish: finishing.signal })) {
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
        finishing.abort();
        const timer = setTimeout(() => (stop(), resolve()), graceMs);
        void relayed.then(() => (clearTimeout(timer), stop(), resolve()));
      }),
  };
}

/**
 * Follows a new container's output (stdout and stderr, from its start: the engine sends what the
 * container already wrote first) and relays each line (see {@link relayOutput}); the stream
 * ends by itself once the container exited.
 */
export function relayContainerOutput(engine: DockerEngine, containerId: string, service: string, context: Pick<DeployContext, 'output' | 'log'>): OutputRelay {
  return relayOutput(service, context, async function* ({ stop }) {
    const log = await engine.containerLog(containerId, { follow: true, signal: stop });
    for await (const { line } of containerLogLines(log, service)) yield line;
  });
}

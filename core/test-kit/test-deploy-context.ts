import type { DeployContext, DeployPlan, DeployProgress } from '../hooks/deploy-plan.js';
import { NO_INTENT, type Intent } from '../hooks/intent.js';
import type { Principal } from '../hooks/principal.js';
import { createLogger, type Logger } from '../logger.js';

/** One line a plugin logged through a test context: its level, message and fields. */
export interface CapturedLogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly msg: string | undefined;
  /** Every field of the line, the context's own (`deploymentId`...) included. */
  readonly fields: Readonly<Record<string, unknown>>;
}

export interface TestDeployContextOptions {
  /** Where lines go; by default they are captured in {@link TestDeployContext.logs}. */
  readonly log?: Logger;
  /** The plan the context serves: its logger then carries the plan's fields, as the host's does. */
  readonly plan?: DeployPlan;
  /** The plugin instance the tap belongs to: its logger then carries `plugin`, as the host's does. */
  readonly plugin?: string;
  /** Who triggered the operation; default `null` (the host itself). */
  readonly principal?: Principal | null;
  readonly requestId?: string | null;
  /** Why the operation runs; default: no reason, commit or pipeline URL (all `null`). */
  readonly intent?: Intent;
  /** The context's signal also aborts when this one does. */
  readonly signal?: AbortSignal;
  /** Sees each progress event as it is reported. */
  readonly onProgress?: (event: DeployProgress) => void;
}

/** A deploy context for tests, recording every progress event and log line. */
export interface TestDeployContext {
  readonly context: DeployContext;
  readonly progress: readonly DeployProgress[];
  /** The lines logged through `context.log` (when no `log` was given). */
  readonly logs: readonly CapturedLogLine[];
  /** Aborts the context's signal, as the host does when the operation's deadline passes. */
  abort(reason?: string): void;
}

const levels: Readonly<Record<number, CapturedLogLine['level']>> = { 20: 'debug', 30: 'info', 40: 'warn', 50: 'error' };

/**
 * A deploy context as the host passes it to `beforeDeploy`, `deploy` and `afterDeploy` taps.
 * Its logger carries what the host's carries: `requestId`, with `plan` also `deploymentId`,
 * `stack` and `operation`, with `plugin` also `plugin`.
 */
export function testDeployContext(options: TestDeployContextOptions = {}): TestDeployContext {
  const controller = new AbortController();
  const { signal, onProgress } = options;
  signal?.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
  const progress: DeployProgress[] = [];
  const logs: CapturedLogLine[] = [];
  const capture = (line: string) => {
    const { level, msg, time: _time, ...fields } = JSON.parse(line) as Record<string, unknown>;
    logs.push({ level: levels[Number(level)] ?? 'info', msg: typeof msg === 'string' ? msg : undefined, fields });
  };
  const requestId = options.requestId ?? null;
  const { plan, plugin } = options;
  const bindings = {
    ...(plan ? { deploymentId: plan.deploymentId, stack: plan.stackName, operation: plan.operation } : {}),
    requestId,
    ...(plugin === undefined ? {} : { plugin }),
  };
  const log = (options.log ?? createLogger({ level: 'debug', destination: { write: capture } })).child(bindings);
  return {
    context: {
      signal: controller.signal,
      principal: options.principal ?? null,
      requestId,
      intent: options.intent ?? NO_INTENT,
      log,
      progress: (event) => {
        progress.push(event);
        onProgress?.(event);
      },
    },
    progress,
    logs,
    abort: (reason = 'aborted by the test') => controller.abort(new Error(reason)),
  };
}

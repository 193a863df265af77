import type { DeployContext, DeployProgress, Logger } from '../../core/plugin-api.js';

/** A deploy context for tests, recording every progress event. */
export interface TestDeployContext {
  readonly context: DeployContext;
  readonly progress: readonly DeployProgress[];
  /** Aborts the context's signal, as the host does when its deadline passes. */
  abort(reason?: string): void;
}

/**
 * A deploy context triggered by the host itself (no principal), logging to `log`. Its signal
 * aborts through {@link TestDeployContext.abort} or when `options.signal` does; `onProgress`
 * sees each event as it is reported.
 */
export function testDeployContext(
  log: Logger,
  options: { signal?: AbortSignal; onProgress?: (event: DeployProgress) => void } = {},
): TestDeployContext {
  const controller = new AbortController();
  const { signal, onProgress } = options;
  signal?.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
  const progress: DeployProgress[] = [];
  const report = (event: DeployProgress) => {
    progress.push(event);
    onProgress?.(event);
  };
  return {
    context: { signal: controller.signal, principal: null, requestId: null, log, progress: report },
    progress,
    abort: (reason = 'aborted by the test') => controller.abort(new Error(reason)),
  };
}

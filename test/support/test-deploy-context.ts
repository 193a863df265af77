import type { DeployProgress, Logger } from '../../core/plugin-api.js';
import { testDeployContext as kitContext, type TestDeployContext } from '../../core/test-kit/test-deploy-context.js';

export type { TestDeployContext };

/**
 * A deploy context triggered by the host itself (no principal), logging to `log`. Its signal
 * aborts through {@link TestDeployContext.abort} or when `options.signal` does; `onProgress`
 * sees each event as it is reported.
 */
export function testDeployContext(log: Logger, options: { signal?: AbortSignal; onProgress?: (event: DeployProgress) => void } = {}): TestDeployContext {
  return kitContext({ ...options, log });
}

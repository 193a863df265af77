/**
 * The plugin test kit (`rsgo/testing`): start a real host with your plugin and the built-ins.
 * Like the process entry, this is a composition root and so may name the built-in plugins.
 */
import { builtinPlugins } from '../plugins/builtin-plugins.js';
import { startTestHost as start, type TestHost, type TestHostOptions } from './test-kit/start-test-host.js';

export type { TestHost, TestHostOptions, TestRequest, TestResponse } from './test-kit/start-test-host.js';
/** The host side of the hooks (`TestHost.hooks`): call them the way the host does. */
export type { HostHooks } from './hooks/host-hooks.js';
/** Builders of each hook's arguments, to call a plugin's taps directly. */
export { testPlan, uniqueStackName } from './test-kit/test-plan.js';
export type { TestPlanInput, TestResourceInput, TestServiceInput } from './test-kit/test-plan.js';
export { testDeployContext } from './test-kit/test-deploy-context.js';
export type { CapturedLogLine, TestDeployContext, TestDeployContextOptions } from './test-kit/test-deploy-context.js';
export { testAuthRequest, testCatalogRequest, testCatalogSyncOutcome, testDeployOutcome, testPrincipal } from './test-kit/hook-arguments.js';
/** One entry of `GET /api/plugins`. */
export type { PluginView } from './http/routes/plugin-routes.js';

/** Starts a host on a free loopback port with the built-ins plus `options.plugins`. */
export function startTestHost(options: TestHostOptions = {}): Promise<TestHost> {
  return start(builtinPlugins, options);
}

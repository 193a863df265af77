import test from 'ava';
// @ts-expect-error the host's own hook set (which can call hooks) is not part of the plugin API
import type { HostHooks } from 'rsgo/plugin';
// @ts-expect-error core modules are not exported to plugins
import type { Host } from 'rsgo/core/host.js';
import * as pluginApi from 'rsgo/plugin';
import { PLUGIN_API_VERSION, definePlugin, z, type PluginHooks } from 'rsgo/plugin';

/** What a plugin would need to reach beyond the API; both names are unresolvable above. */
export type Unreachable = [HostHooks, Host];

/** Every place a plugin could try to do more than tap; each line must stay a type error. */
export function misuse(hooks: PluginHooks): void {
  // @ts-expect-error a plugin may tap a hook, never call it
  void hooks.deploy.promise(undefined, undefined);
  // @ts-expect-error nor call it the synchronous tapable way
  void hooks.authenticate.call;
  // @ts-expect-error nor intercept other plugins' taps
  void hooks.catalogSource.intercept;
  // @ts-expect-error nor replace a hook
  hooks.deploy = hooks.beforeDeploy;
  // @ts-expect-error taps return promises
  hooks.afterDeploy.tap(() => undefined);
  // @ts-expect-error a catalog source answers files with a reader and a revision, or { unchanged: true }
  hooks.catalogSource.tap(async () => ({ files: ['a.yaml'] }));
  // @ts-expect-error an authenticator returns a principal or undefined
  hooks.authenticate.tap(async () => ({ kind: 'robot', id: 'x' }));
}

const typed = definePlugin({
  id: 'typed',
  apiVersion: PLUGIN_API_VERSION,
  options: z.strictObject({ url: z.string(), retries: z.number().int().default(3) }),
  setup({ options, hooks }) {
    const retries: number = options.retries;
    // @ts-expect-error options are exactly what the schema says
    void options.password;
    hooks.beforeDeploy.tap(async (plan) => ({ ...plan, labels: { ...plan.labels, retries: String(retries), url: options.url } }));
  },
});

test('the public plugin API exports exactly its documented names', (t) => {
  t.deepEqual(Object.keys(pluginApi).sort(), [
    'AuthenticationError', 'ConflictError', 'DeploymentFailedError', 'FailureBrake', 'ForbiddenError', 'HostError',
    'INVALID_CREDENTIALS_MESSAGE', 'InputError', 'InternalError', 'MAX_MANIFEST_BYTES', 'NotFoundError', 'PLUGIN_API_VERSION',
    'RolledBackError', 'TooManyRequestsError', 'UnavailableError', 'UpstreamError', 'apiKeyDisplayPrefix', 'definePlugin', 'directorySourceFiles', 'errorMessage',
    'hashApiKey', 'inMemorySourceFiles', 'isApiKeyFormat', 'z',
  ]);
});

test('the plugin API version is MAJOR.MINOR', (t) => {
  t.regex(PLUGIN_API_VERSION, /^\d+\.\d+$/);
  t.is(typed.apiVersion, PLUGIN_API_VERSION);
});

test('only rsgo/plugin and rsgo/testing can be imported from the host package', async (t) => {
  const internal = 'rsgo/core/host.js';
  // The loader's error comes from another realm, so it is checked by its code only.
  const refusal: unknown = await import(internal).then(() => null, (err: unknown) => err);
  t.is((refusal as { code?: unknown } | null)?.code, 'ERR_PACKAGE_PATH_NOT_EXPORTED');
  const testing = 'rsgo/testing';
  t.is(typeof ((await import(testing)) as { startTestHost?: unknown }).startTestHost, 'function');
});

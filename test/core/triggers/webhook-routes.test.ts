import test, { type ExecutionContext } from 'ava';
import { randomUUID } from 'node:crypto';
import { emptyWebhookHandlers } from '../../support/empty-webhook-handlers.js';
import type { RedeployInput, UpgradeInput, WebhookHandlers } from '../../../core/triggers/webhook-handlers.js';
import { webhookPermissions, webhookEndpoints } from '../../../core/triggers/webhook-endpoints.js';
import { assertInvalidKey, createKey, defaultEnvironmentId, useAuthHost, type AuthTestHost } from '../../support/api-keys.js';
import { databaseEngines, type DatabaseEngine } from '../../support/databases.js';

/** Every call that reached a handler, in order. */
type HandlerCall = ['redeploy', RedeployInput] | ['upgrade', UpgradeInput] | ['syncSources'];

/** The empty host's handlers, remembering what the routes passed on. */
function recording(calls: HandlerCall[]): WebhookHandlers {
  return {
    redeploy: (input, principal) => (calls.push(['redeploy', input]), emptyWebhookHandlers.redeploy(input, principal)),
    upgrade: (input, principal) => (calls.push(['upgrade', input]), emptyWebhookHandlers.upgrade(input, principal)),
    syncSources: (principal) => (calls.push(['syncSources']), emptyWebhookHandlers.syncSources(principal)),
  };
}

async function setup(t: ExecutionContext, engine: DatabaseEngine) {
  const calls: HandlerCall[] = [];
  const auth: AuthTestHost = await useAuthHost(t, engine, { webhookHandlers: recording(calls) });
  const environmentA = await defaultEnvironmentId(auth);
  const created = await auth.host.request('POST', '/api/environments', { token: auth.token, body: { name: 'staging' } });
  const environmentB = String((created.body['environment'] as { id: string }).id);
  const allHooks = await createKey(t, auth, { name: 'all', permissions: [...webhookPermissions] });
  const scopedToA = await createKey(t, auth, { name: 'scoped', permissions: [...webhookPermissions], environmentId: environmentA });
  const hook = (name: string, apiKey: string | undefined, body?: unknown) =>
    auth.host.request('POST', `/api/hooks/${name}`, { ...(apiKey === undefined ? {} : { apiKey }), ...(body === undefined ? {} : { body }) });
  return { auth, calls, environmentA, environmentB, allHooks, scopedToA, hook };
}

const noDeployment = (stack: string, environmentId: string) => `No deployment found for stack '${stack}' in environment '${environmentId}'.`;

test('the hook permissions a key may hold are those of the served endpoints', (t) => {
  t.deepEqual(webhookPermissions, ['Hooks.Redeploy', 'Hooks.Upgrade', 'Hooks.SyncSources']);
  t.deepEqual(webhookEndpoints.map((e) => e.path), ['/api/hooks/redeploy', '/api/hooks/upgrade', '/api/hooks/sync-sources']);
});

test('an allowed hook call with a body that is not JSON gets 400 INVALID_JSON, with a key or a session, and reaches no handler', async (t) => {
  const { auth, calls, allHooks } = await setup(t, 'sqlite');
  const headers = { 'content-type': 'application/json' };
  const withKey = await auth.host.request('POST', '/api/hooks/redeploy', { apiKey: allHooks.fullKey, headers, body: '\u0000' });
  const withSession = await auth.host.request('POST', '/api/hooks/redeploy', { token: auth.token, headers, body: '{"stackName":' });
  for (const res of [withKey, withSession]) {
    t.is(res.status, 400, res.text);
    t.like(res.body, { success: false, code: 'INVALID_JSON' });
  }
  t.deepEqual(calls, []);
});

for (const engine of databaseEngines) {
  test(`every hook without a key is a 401 and reaches no handler (${engine})`, async (t) => {
    const { hook, calls } = await setup(t, engine);
    for (const name of ['redeploy', 'upgrade', 'sync-sources']) assertInvalidKey(t, await hook(name, undefined, { stackName: 'x' }));
    t.deepEqual(calls, []);
  });

  test(`a key without the endpoint's permission gets 403 naming it, and nothing happens (${engine})`, async (t) => {
    const { auth, hook, calls, environmentA } = await setup(t, engine);
    const syncOnly = await createKey(t, auth, { name: 'sync only', permissions: ['Hooks.SyncSources'] });
    const redeployOnly = await createKey(t, auth, { name: 'redeploy only', permissions: ['Hooks.Redeploy'] });
    const cases: Array<[string, string, string]> = [
      ['redeploy', syncOnly.fullKey, 'Hooks.Redeploy'],
      ['upgrade', redeployOnly.fullKey, 'Hooks.Upgrade'],
      ['sync-sources', redeployOnly.fullKey, 'Hooks.SyncSources'],
    ];
    for (const [name, key, permission] of cases) {
      const res = await hook(name, key, { stackName: 'demo', targetVersion: '2.0.0', environmentId: environmentA });
      t.is(res.status, 403);
      t.deepEqual(res.body, { success: false, message: `Permission '${permission}' required.`, code: 'FORBIDDEN', requestId: res.headers.get('x-request-id') });
    }
    t.deepEqual(calls, [], 'no handler ran');
  });

  test(`a scoped key uses its own environment when the body names none (${engine})`, async (t) => {
    const { hook, scopedToA, environmentA, calls } = await setup(t, engine);
    const redeploy = await hook('redeploy', scopedToA.fullKey, { stackName: 'demo' });
    t.is(redeploy.status, 400);
    t.like(redeploy.body, { success: false, message: noDeployment('demo', environmentA) });
    const upgrade = await hook('upgrade', scopedToA.fullKey, { stackName: 'demo', targetVersion: '2.0.0' });
    t.like(upgrade.body, { success: false, message: noDeployment('demo', environmentA) });
    const same = await hook('redeploy', scopedToA.fullKey, { stackName: 'demo', environmentId: environmentA.toUpperCase() });
    t.like(same.body, { message: noDeployment('demo', environmentA) }, 'its own environment, in any case, is fine');
    t.is(calls.length, 3);
  });

  test(`a scoped key naming another environment gets 403 and reaches no handler (${engine})`, async (t) => {
    const { hook, scopedToA, environmentA, environmentB, calls } = await setup(t, engine);
    for (const [name, body] of [['redeploy', { stackName: 'demo', environmentId: environmentB }], ['upgrade', { stackName: 'demo', targetVersion: '2.0.0', environmentId: environmentB }]] as const) {
      const res = await hook(name, scopedToA.fullKey, body);
      t.is(res.status, 403);
      t.like(res.body, { success: false, message: `API key is restricted to environment '${environmentA}'.` });
    }
    t.deepEqual(calls, []);
  });

  test(`an unscoped key must name the environment, as a GUID (${engine})`, async (t) => {
    const { hook, allHooks, environmentB, calls } = await setup(t, engine);
    const required = 'EnvironmentId is required. Provide it in the request body or use an environment-scoped API key.';
    for (const [name, body] of [['redeploy', { stackName: 'demo' }], ['upgrade', { stackName: 'demo', targetVersion: '2.0.0' }]] as const) {
      const none = await hook(name, allHooks.fullKey, body);
      t.is(none.status, 400);
      t.is(none.body['message'], required);
      const blank = await hook(name, allHooks.fullKey, { ...body, environmentId: '  ' });
      t.is(blank.body['message'], required);
      const bad = await hook(name, allHooks.fullKey, { ...body, environmentId: 'not-a-guid' });
      t.is(bad.status, 400);
      t.is(bad.body['message'], "Invalid EnvironmentId format: 'not-a-guid'. Must be a valid GUID.");
      const named = await hook(name, allHooks.fullKey, { ...body, environmentId: environmentB });
      t.is(named.body['message'], noDeployment('demo', environmentB));
    }
    t.is(calls.length, 2, 'only the two calls with a valid environment reached a handler');
  });

  test(`redeploy and upgrade bodies are validated with the exact messages; wrong types are 400s (${engine})`, async (t) => {
    const { hook, allHooks, environmentA, calls } = await setup(t, engine);
    const env = { environmentId: environmentA };
    const cases: Array<[string, unknown, string]> = [
      ['redeploy', { ...env }, 'Either stackName or productId is required.'],
      ['redeploy', { ...env, stackName: ' ', productId: '' }, 'Either stackName or productId is required.'],
      ['redeploy', { ...env, stackDefinitionName: 'api' }, 'Either stackName or productId is required.'],
      ['redeploy', { ...env, stackName: 42 }, "Field 'stackName' must be a string."],
      ['redeploy', { ...env, stackName: 'demo', variables: { N: 42 } }, "Field 'variables' must be an object of string values."],
      ['redeploy', { ...env, stackName: 'demo', variables: ['A=1'] }, "Field 'variables' must be an object of string values."],
      ['redeploy', { stackName: 'demo', environmentId: 7 }, "Field 'environmentId' must be a string."],
      ['redeploy', ['demo'], 'Request body must be a JSON object.'],
      ['upgrade', { ...env, targetVersion: '2.0.0' }, 'stackName is required.'],
      ['upgrade', { ...env, stackName: 'demo' }, 'targetVersion is required.'],
      ['upgrade', { ...env, stackName: 'demo', targetVersion: 2 }, "Field 'targetVersion' must be a string."],
    ];
    for (const [name, body, message] of cases) {
      const res = await hook(name, allHooks.fullKey, body);
      t.is(res.status, 400, JSON.stringify(body));
      t.is(res.body['message'], message, JSON.stringify(body));
    }
    t.deepEqual(calls, []);
  });

  test(`handlers receive clean input: productId wins, variables pass through, the environment is normalised (${engine})`, async (t) => {
    const { hook, allHooks, environmentA, calls } = await setup(t, engine);
    const product = await hook('redeploy', allHooks.fullKey, {
      stackName: 'ignored',
      productId: 'com.acme.platform',
      stackDefinitionName: 'API',
      environmentId: environmentA.toUpperCase(),
      variables: { BUILD: '42' },
      extra: 'unknown fields are ignored',
    });
    t.is(product.status, 400);
    t.is(product.body['message'], `No active product deployment found for product 'com.acme.platform' in environment '${environmentA}'.`);
    await hook('upgrade', allHooks.fullKey, { stackName: ' demo ', targetVersion: '2.0.0', environmentId: environmentA });
    t.deepEqual(calls, [
      ['redeploy', { environmentId: environmentA, target: { kind: 'product', productId: 'com.acme.platform', stackDefinitionName: 'API' }, variables: { BUILD: '42' } }],
      ['upgrade', { environmentId: environmentA, stackName: 'demo', targetVersion: '2.0.0', variables: {} }],
    ]);
  });

  test(`sync-sources answers the empty host's counts and ignores any body (${engine})`, async (t) => {
    const { hook, scopedToA } = await setup(t, engine);
    for (const body of [undefined, { environmentId: randomUUID() }, ['anything']]) {
      const res = await hook('sync-sources', scopedToA.fullKey, body);
      t.is(res.status, 200);
      t.regex(String(res.body['operationId']), /^[0-9a-f-]{36}$/);
      t.deepEqual(res.body, { success: true, stacksLoaded: 0, sourcesSynced: 0, message: 'Synced 0 source(s), loaded 0 stack(s).', operationId: res.body['operationId'] });
    }
  });

  test(`a signed-in administrator may call the hooks too (${engine})`, async (t) => {
    const { auth, environmentA } = await setup(t, engine);
    const sync = await auth.host.request('POST', '/api/hooks/sync-sources', { token: auth.token });
    t.is(sync.status, 200);
    const redeploy = await auth.host.request('POST', '/api/hooks/redeploy', { token: auth.token, body: { stackName: 'demo', environmentId: environmentA } });
    t.is(redeploy.body['message'], noDeployment('demo', environmentA));
  });
}

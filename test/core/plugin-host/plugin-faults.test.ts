import test, { type ExecutionContext } from 'ava';
import type { HookName } from '../../../core/hooks/host-hooks.js';
import { definePlugin, inMemorySourceFiles, type DeployOutcome } from '../../../core/plugin-api.js';
import type { PluginView, TestHost, TestResponse } from '../../../core/testing.js';
import { z } from 'zod';
import faulty, { FAULT_DETAIL, faults, type Fault } from '../../fixtures/plugins/faulty-plugin.js';
import { useTestHost } from '../../support/test-host.js';

/**
 * The faulty plugin's own deadline (the others keep the defaults): short, so a hang costs little.
 * A `deploy` tap has the operation's deadline instead, set to a second for that hook.
 */
const HOOK_TIMEOUT_MS = 300;

/** What the healthy plugins beside the faulty one saw. */
interface Witness {
  /** The operations the healthy runtime carried out (`deploy`, `inspect`...). */
  readonly operations: string[];
  readonly outcomes: DeployOutcome[];
}

/** A product the healthy catalog source always delivers. */
const shopManifest = { metadata: { name: 'shop', productId: 'com.example.shop', productVersion: '1.0.0' }, services: { web: { image: 'example/shop:1' } } };

/** A runtime that always succeeds, an afterDeploy listener recording into `seen`, and a catalog source that always answers. */
function healthyPlugins(seen: Witness) {
  return {
    'fine-source': definePlugin({
      id: 'fine-source',
      apiVersion: '1.0',
      options: z.strictObject({}),
      setup({ hooks }) {
        hooks.catalogSource.tap(async () => inMemorySourceFiles({ 'shop.yaml': shopManifest }, 'r1'));
      },
    }),
    'fine-runtime': definePlugin({
      id: 'fine-runtime',
      apiVersion: '1.0',
      options: z.strictObject({}),
      setup({ hooks, name }) {
        hooks.deploy.tap(async (plan) => {
          seen.operations.push(plan.operation);
          return { runtime: name, services: [] };
        });
      },
    }),
    witness: definePlugin({
      id: 'witness',
      apiVersion: '1.0',
      options: z.strictObject({}),
      setup({ hooks }) {
        hooks.afterDeploy.tap(async (outcome) => void seen.outcomes.push(outcome));
      },
    }),
  };
}

interface FaultyHost {
  readonly host: TestHost;
  readonly token: string;
  readonly seen: Witness;
}

/** A host whose plugin `faulty` misbehaves in `hook`; healthy plugins of each kind follow it. */
async function faultyHost(t: ExecutionContext, hook: HookName, fault: Fault): Promise<FaultyHost> {
  const seen: Witness = { operations: [], outcomes: [] };
  const host = await useTestHost(t, {
    config: {
      ...(hook === 'deploy' ? { deployments: { timeoutSeconds: 1 } } : {}),
      plugins: [
        { use: 'api-key-auth' },
        { use: 'faulty', options: { hook, fault }, ...(hook === 'deploy' ? {} : { timeoutMs: { [hook]: HOOK_TIMEOUT_MS } }) },
        { use: 'fine-runtime' },
        { use: 'witness' },
        { use: 'fine-source' },
      ],
    },
    plugins: { faulty, ...healthyPlugins(seen) },
  });
  return { host, token: await host.signIn(), seen };
}

/** `POST /api/deployments` of the healthy source's product, as an operator. */
async function deployShop({ host, token }: FaultyHost, stackName: string): Promise<TestResponse> {
  const local = (await host.host.environments.list()).find((environment) => environment.isDefault);
  return host.request('POST', '/api/deployments', { token, body: { environmentId: local?.id, stackName, productId: 'com.example.shop' } });
}

const expectedCode = (fault: Fault) => (fault === 'hang' ? 'PLUGIN_TIMEOUT' : 'PLUGIN_FAILED');

/** The host's log lines as objects. */
const logEntries = (host: TestHost) => host.logs.map((line) => JSON.parse(line) as Record<string, unknown>);

/** How often the faulty plugin was called and failed by the time of the check. */
interface Counts {
  readonly calls: number;
  readonly failures: number;
}

/**
 * The checks every fault shares: one error line per failure naming plugin and hook (with the
 * detail only there), the failures counted in GET /api/plugins, and a host that still answers.
 * Resolves the last failure's log line.
 */
async function assertContained(t: ExecutionContext, { host, token }: FaultyHost, hook: HookName, fault: Fault, counts: Counts): Promise<Record<string, unknown>> {
  const lines = logEntries(host).filter((entry) => entry['msg'] === 'plugin failed' && entry['plugin'] === 'faulty');
  t.is(lines.length, counts.failures, host.logs.join('\n'));
  const line = lines.at(-1) ?? {};
  t.like(line, { level: 50, hook, code: expectedCode(fault) });
  if (fault !== 'hang') t.true(String(line['err']).includes(FAULT_DETAIL), 'the log keeps the detail for the operator');

  const listing = await host.request('GET', '/api/plugins', { token });
  t.is(listing.status, 200, listing.text);
  const view = (listing.body['plugins'] as PluginView[]).find((plugin) => plugin.name === 'faulty');
  t.like(view, { id: 'faulty', version: '6.6.6', apiVersion: '1.0', origin: 'builtin', hooks: [hook], ...counts });
  t.is(view?.lastError?.hook, hook);
  t.regex(view?.lastError?.message ?? '', new RegExp(`^Plugin 'faulty' failed in hook '${hook}': `));

  const health = await host.request('GET', '/healthz');
  t.is(health.status, 200, 'the host keeps serving');
  return line;
}

/** Runs `work`, checking a hang was cut off near the hook's deadline (and not before it). */
async function timed<T>(t: ExecutionContext, fault: Fault, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  if (fault === 'hang') t.true(performance.now() - started >= HOOK_TIMEOUT_MS - 20, 'cut off at the deadline, not before');
  return result;
}

for (const fault of faults) {
  test(`authenticate: a tap that fails (${fault}) answers 500 with the request id and no internals, and other requests still pass`, async (t) => {
    const faultyHostInfo = await faultyHost(t, 'authenticate', fault);
    const { host, token } = faultyHostInfo;
    const res = await timed(t, fault, () => host.request('GET', '/api/environments', { headers: { 'x-fault': 'on' } }));
    const requestId = res.headers.get('x-request-id');
    t.is(res.status, 500);
    t.deepEqual(res.body, { success: false, message: `Internal server error (request ${requestId}).`, code: expectedCode(fault), requestId });
    t.false(res.text.includes('internal detail'));

    // Signing in ran authenticate too (the plugin passed that request on): one more call, no failure.
    const line = await assertContained(t, faultyHostInfo, 'authenticate', fault, { calls: 2, failures: 1 });
    t.is(line['requestId'], requestId);
    const mapped = logEntries(host).find((entry) => entry['msg'] === 'request failed');
    t.like(mapped, { requestId, plugin: 'faulty', hook: 'authenticate' });

    t.is((await host.request('GET', '/api/environments')).status, 401, 'a request the plugin does not choke on is answered as usual');
    t.is((await host.request('GET', '/api/environments', { token })).status, 200);
  });

  for (const hook of ['beforeDeploy', 'deploy'] as const) {
    test(`${hook}: a tap that fails (${fault}) fails the deployment naming plugin and hook only, and afterDeploy still hears of it`, async (t) => {
      const faultyHostInfo = await faultyHost(t, hook, fault);
      const { seen } = faultyHostInfo;
      const res = await timed(t, fault, () => deployShop(faultyHostInfo, 'shop-a'));
      const requestId = res.headers.get('x-request-id');
      t.is(res.status, 400, res.text);
      const thrown = fault === 'throw' ? 'TypeError' : 'Error';
      // A deploy tap has no deadline of its own: the operation's (1 s here) and a grace period.
      const hung = hook === 'deploy' ? "did not stop within 5000 ms after the operation's deadline (the host's deploy timeout of 1s passed)" : `did not answer within ${HOOK_TIMEOUT_MS} ms`;
      const reason = fault === 'hang' ? hung : `it threw ${thrown}; the host's log has the details`;
      t.like(res.body, { success: false, message: `Deployment failed: Plugin 'faulty' failed in hook '${hook}': ${reason}`, code: expectedCode(fault), requestId });
      t.false(res.text.includes('internal detail'), 'what the plugin threw stays in the log');
      t.false(seen.operations.includes('deploy'), 'the failing plugin came first, so nothing was deployed');
      await faultyHostInfo.host.host.plugins.settled();
      t.like(seen.outcomes, [{ success: false, error: { code: expectedCode(fault) } }]);
      // What runs after the failure is asked of the runtimes' own inspect, not of the deploy hook
      // again: the faulty tap was called once.
      const line = await assertContained(t, faultyHostInfo, hook, fault, { calls: 1, failures: 1 });
      t.is(line['requestId'], requestId);
    });
  }

  test(`afterDeploy: a tap that fails (${fault}) never fails the deployment, and the next listener still runs`, async (t) => {
    const faultyHostInfo = await faultyHost(t, 'afterDeploy', fault);
    const { seen } = faultyHostInfo;
    // The answer does not wait for afterDeploy taps: they run once the outcome is recorded.
    const res = await deployShop(faultyHostInfo, 'shop-b');
    t.is(res.status, 201, res.text);
    t.like(res.body, { success: true, status: 'Running' });
    t.true(seen.operations.includes('deploy'));
    await faultyHostInfo.host.host.plugins.settled();
    t.like(seen.outcomes, [{ success: true }]);
    await assertContained(t, faultyHostInfo, 'afterDeploy', fault, { calls: 1, failures: 1 });
  });

  test(`catalogSource: a source that fails (${fault}) fails alone; the sync answers 500 with the request id and the other source loads`, async (t) => {
    const faultyHostInfo = await faultyHost(t, 'catalogSource', fault);
    const { host, token } = faultyHostInfo;
    const apiKey = await host.createApiKey(['Hooks.SyncSources']);
    const res = await timed(t, fault, () => host.request('POST', '/api/hooks/sync-sources', { apiKey }));
    const requestId = res.headers.get('x-request-id');
    t.is(res.status, 500, res.text);
    t.like(res.body, { success: false, code: 'SYNC_FAILED', requestId, sourcesSynced: 1, stacksLoaded: 1 });
    t.deepEqual((res.body['errors'] as Array<{ source: string }>).map((error) => error.source), ['faulty']);
    t.false(res.text.includes('    at '), 'no stack trace');

    // The host synced once at start and once for the webhook: the source failed both times.
    const line = await assertContained(t, faultyHostInfo, 'catalogSource', fault, { calls: 2, failures: 2 });
    t.is(line['requestId'], requestId);
    const catalog = await host.request('GET', '/api/catalog', { token });
    t.deepEqual((catalog.body['products'] as Array<{ id: string }>).map((product) => product.id), ['fine-source:com.example.shop:1.0.0']);
  });
}

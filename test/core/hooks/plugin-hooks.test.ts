import test from 'ava';
import { ForbiddenError, PluginError } from '../../../core/errors.js';
import { createHostHooks, hookNames, type HookName } from '../../../core/hooks/host-hooks.js';
import { createPluginHooks, createPluginStats } from '../../../core/hooks/plugin-hooks.js';
import { runCatalogSources } from '../../../core/catalog/run-catalog-sources.js';
import { samplePlan, sampleContext } from '../../support/deploy-plan-fixture.js';

const timeouts = (ms: number) => Object.fromEntries(hookNames.map((h) => [h, ms])) as Record<HookName, number>;
const request = { method: 'GET', path: '/api/x', ip: '127.0.0.1', headers: {} };

test('the hook set is frozen', (t) => {
  const hooks = createHostHooks();
  t.true(Object.isFrozen(hooks));
  t.deepEqual(Object.keys(hooks), [...hookNames]);
});

test('an error thrown by a tap is wrapped with the plugin and the hook name', async (t) => {
  const hooks = createHostHooks();
  const stats = createPluginStats();
  createPluginHooks(hooks, 'flaky-auth', timeouts(1000), stats).authenticate.tap(async () => {
    throw new TypeError('cannot read properties of undefined');
  });
  const err = await t.throwsAsync(hooks.authenticate.promise(request), { instanceOf: PluginError });
  t.is(err?.message, "Plugin 'flaky-auth' failed in hook 'authenticate': cannot read properties of undefined");
  t.is(err?.plugin, 'flaky-auth');
  t.is(err?.hook, 'authenticate');
  t.is(err?.status, 500);
  t.is(stats.failures, 1);
  t.is(stats.lastError?.hook, 'authenticate');
});

test('a rejected promise that is not an Error is wrapped too', async (t) => {
  const hooks = createHostHooks();
  createPluginHooks(hooks, 'odd', timeouts(1000), createPluginStats()).deploy.tap(() => Promise.reject('just a string'));
  const err = await t.throwsAsync(hooks.deploy.promise(samplePlan(), sampleContext()), { instanceOf: PluginError });
  t.is(err?.message, "Plugin 'odd' failed in hook 'deploy': just a string");
});

test('a deliberate host error passes through unchanged and is not counted as a failure', async (t) => {
  const hooks = createHostHooks();
  const stats = createPluginStats();
  createPluginHooks(hooks, 'policy', timeouts(1000), stats).beforeDeploy.tap(async () => {
    throw new ForbiddenError('Deploys are frozen on Fridays.');
  });
  const err = await t.throwsAsync(hooks.beforeDeploy.promise(samplePlan(), sampleContext()), { instanceOf: ForbiddenError });
  t.is(err?.message, 'Deploys are frozen on Fridays.');
  t.is(stats.failures, 0);
  t.is(stats.calls, 1);
});

test('a tap that hangs is cut off after the hook timeout with a clear error', async (t) => {
  const hooks = createHostHooks();
  createPluginHooks(hooks, 'sleepy', timeouts(50), createPluginStats()).afterDeploy.tap(() => new Promise(() => {}));
  const outcome = { plan: samplePlan(), success: true, result: null, error: null, durationMs: 0 };
  const err = await t.throwsAsync(hooks.afterDeploy.promise(outcome, sampleContext()), { instanceOf: PluginError });
  t.is(err?.code, 'PLUGIN_TIMEOUT');
  t.is(err?.message, "Plugin 'sleepy' failed in hook 'afterDeploy': did not answer within 50 ms");
});

test('taps are named after the plugin instance and run in registration order unless staged', async (t) => {
  const hooks = createHostHooks();
  const order: string[] = [];
  const tapAs = (name: string, stage?: number) =>
    createPluginHooks(hooks, name, timeouts(1000), createPluginStats()).authenticate.tap(async () => {
      order.push(name);
      return undefined;
    }, stage === undefined ? undefined : { stage });
  tapAs('first');
  tapAs('second');
  tapAs('early', -10);
  await hooks.authenticate.promise(request);
  t.deepEqual(order, ['early', 'first', 'second']);
  t.deepEqual(hooks.authenticate.taps.map((tap) => tap.name), ['early', 'first', 'second']);
});

test('a beforeDeploy tap returning undefined keeps the plan', async (t) => {
  const hooks = createHostHooks();
  createPluginHooks(hooks, 'noop', timeouts(1000), createPluginStats()).beforeDeploy.tap(async () => undefined);
  const plan = samplePlan();
  t.is(await hooks.beforeDeploy.promise(plan, sampleContext()), plan);
});

test('a failing catalog source is settled on its own and the others still answer', async (t) => {
  const hooks = createHostHooks();
  createPluginHooks(hooks, 'broken', timeouts(1000), createPluginStats()).catalogSource.tap(async () => {
    throw new Error('remote unreachable');
  });
  createPluginHooks(hooks, 'hung', timeouts(50), createPluginStats()).catalogSource.tap(() => new Promise(() => {}));
  createPluginHooks(hooks, 'fine', timeouts(1000), createPluginStats()).catalogSource.tap(async (req) => ({
    files: ['a.yaml'],
    read: async () => 'x',
    revision: `seen ${req.previousRevision}`,
  }));
  const outcomes = await runCatalogSources(hooks, new Map([['fine', 'r0']]), new AbortController().signal);
  const broken = outcomes.get('broken');
  t.true(broken !== undefined && 'error' in broken && broken.error instanceof PluginError);
  const hung = outcomes.get('hung');
  t.true(hung !== undefined && 'error' in hung && (hung.error as PluginError).code === 'PLUGIN_TIMEOUT');
  const fine = outcomes.get('fine');
  t.true(fine !== undefined && 'result' in fine && 'revision' in fine.result && fine.result.revision === 'seen r0');
});

test('a plugin cannot call or intercept a hook through its view', (t) => {
  const view = createPluginHooks(createHostHooks(), 'p', timeouts(1000), createPluginStats());
  // @ts-expect-error plugins may only tap
  t.is(view.deploy.promise, undefined);
  // @ts-expect-error plugins may not intercept
  t.is(view.authenticate.intercept, undefined);
  t.true(Object.isFrozen(view));
});

import test from 'ava';
import type { CatalogSourceRequest, CatalogSourceResult } from '../../../core/hooks/catalog-source.js';
import { readSourceManifests } from '../../../core/catalog/read-source-manifests.js';
import { ForbiddenError, HostError, PluginError, errorMessage } from '../../../core/errors.js';
import { createLogger } from '../../../core/logger.js';
import { createHostHooks, hookNames, type HookName } from '../../../core/hooks/host-hooks.js';
import { BackgroundTaps } from '../../../core/hooks/background-taps.js';
import { createPluginHooks, createPluginStats } from '../../../core/hooks/plugin-hooks.js';
import { runCatalogSources } from '../../../core/catalog/run-catalog-sources.js';
import { samplePlan, sampleContext } from '../../support/deploy-plan-fixture.js';

const timeouts = (ms: number) => Object.fromEntries(hookNames.map((h) => [h, ms])) as Record<HookName, number>;
const request = { method: 'GET', path: '/api/x', ip: '127.0.0.1', headers: {}, requestId: 'req-42' };

test('the hook set is frozen', (t) => {
  const hooks = createHostHooks();
  t.true(Object.isFrozen(hooks));
  t.deepEqual(Object.keys(hooks), [...hookNames]);
});

test('an error thrown by a tap is wrapped naming plugin and hook, what it threw kept for the operator', async (t) => {
  const hooks = createHostHooks();
  const stats = createPluginStats();
  createPluginHooks(hooks, 'flaky-auth', timeouts(1000), stats).authenticate.tap(async () => {
    throw new TypeError('cannot read properties of undefined');
  });
  const err = await t.throwsAsync(hooks.authenticate.promise(request), { instanceOf: PluginError });
  t.is(err?.message, "Plugin 'flaky-auth' failed in hook 'authenticate': it threw TypeError; the host's log has the details");
  t.is((err?.cause as Error | undefined)?.message, 'cannot read properties of undefined');
  t.is(err?.plugin, 'flaky-auth');
  t.is(err?.hook, 'authenticate');
  t.is(err?.status, 500);
  t.is(stats.failures, 1);
  t.like(stats.lastError, { hook: 'authenticate', message: "Plugin 'flaky-auth' failed in hook 'authenticate': cannot read properties of undefined" });
});

test('a rejected promise that is not an Error is wrapped too', async (t) => {
  const hooks = createHostHooks();
  createPluginHooks(hooks, 'odd', timeouts(1000), createPluginStats()).deploy.tap(() => Promise.reject('just a string'));
  const err = await t.throwsAsync(hooks.deploy.promise(samplePlan(), sampleContext()), { instanceOf: PluginError });
  t.is(err?.message, "Plugin 'odd' failed in hook 'deploy': it threw string; the host's log has the details");
  t.is(err?.cause, 'just a string');
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
  createPluginHooks(hooks, 'sleepy', timeouts(50), createPluginStats()).beforeDeploy.tap(() => new Promise(() => {}));
  const err = await t.throwsAsync(hooks.beforeDeploy.promise(samplePlan(), sampleContext()), { instanceOf: PluginError });
  t.is(err?.code, 'PLUGIN_TIMEOUT');
  t.is(err?.message, "Plugin 'sleepy' failed in hook 'beforeDeploy': did not answer within 50 ms");
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

test('a failing afterDeploy tap is contained: the hook resolves and the next listener still runs', async (t) => {
  const hooks = createHostHooks();
  const stats = createPluginStats();
  const heard: string[] = [];
  const background = new BackgroundTaps();
  createPluginHooks(hooks, 'notifier', timeouts(1000), stats, undefined, background).afterDeploy.tap(async () => {
    throw new Error('mail server down');
  });
  createPluginHooks(hooks, 'metrics', timeouts(1000), createPluginStats(), undefined, background).afterDeploy.tap(async (outcome) => void heard.push(outcome.plan.stackName));
  await hooks.afterDeploy.promise({ plan: samplePlan(), success: true, result: null, error: null, durationMs: 1 }, sampleContext());
  await background.settled();
  t.deepEqual(heard, ['demo']);
  t.like(stats, { calls: 1, failures: 1, lastError: { hook: 'afterDeploy', message: "Plugin 'notifier' failed in hook 'afterDeploy': mail server down" } });
});

test('the afterDeploy hook resolves before its taps finish: a slow notifier delays nobody, and settled() waits for it', async (t) => {
  const hooks = createHostHooks();
  const background = new BackgroundTaps();
  let release = () => {};
  const gate = new Promise<void>((done) => (release = done));
  const heard: string[] = [];
  createPluginHooks(hooks, 'slow-notifier', timeouts(60_000), createPluginStats(), undefined, background).afterDeploy.tap(async (outcome) => {
    heard.push('started');
    await gate;
    heard.push(`sent ${outcome.plan.stackName}`);
  });
  await hooks.afterDeploy.promise({ plan: samplePlan(), success: true, result: null, error: null, durationMs: 1 }, sampleContext());
  await waitUntil(() => heard.length > 0);
  t.deepEqual(heard, ['started'], 'the hook answered while the notifier still waits');
  release();
  await background.settled();
  t.deepEqual(heard, ['started', 'sent demo']);
});

const syncOutcome = { success: true, sourcesSynced: 1, stacksLoaded: 2, errors: [], warnings: [], durationMs: 3, principal: null, requestId: 'req-7' };

test('afterCatalogSync resolves before its taps finish; a failing or hanging tap is contained, counted and cut off', async (t) => {
  const hooks = createHostHooks();
  const background = new BackgroundTaps();
  const stats = createPluginStats();
  const heard: number[] = [];
  createPluginHooks(hooks, 'hanging', timeouts(50), stats, undefined, background).afterCatalogSync.tap(() => new Promise<void>(() => {}));
  createPluginHooks(hooks, 'notifier', timeouts(1000), createPluginStats(), undefined, background).afterCatalogSync.tap(async (outcome) => void heard.push(outcome.stacksLoaded));

  await hooks.afterCatalogSync.promise(syncOutcome);
  await background.settled();

  t.deepEqual(heard, [2]);
  t.like(stats, { calls: 1, failures: 1, lastError: { hook: 'afterCatalogSync', message: "Plugin 'hanging' failed in hook 'afterCatalogSync': did not answer within 50 ms" } });
});

test('an error of another copy of the plugin API (or a class of its own) with status and code is a deliberate answer, not a defect', async (t) => {
  const hooks = createHostHooks();
  const stats = createPluginStats();
  class Veto extends Error {
    readonly status = 403;
    readonly code = 'POLICY_VETO';
    readonly fields = { rule: 'registry' };
  }
  createPluginHooks(hooks, 'policy', timeouts(1000), stats).beforeDeploy.tap(async () => {
    throw new Veto('images from docker.io are not allowed');
  });
  const err = await t.throwsAsync(hooks.beforeDeploy.promise(samplePlan(), sampleContext()));
  t.true(err instanceof HostError);
  t.like(err, { status: 403, code: 'POLICY_VETO', message: 'images from docker.io are not allowed', fields: { rule: 'registry' }, expose: true });
  t.like(stats, { calls: 1, failures: 0 }, 'a veto is not a failure of the plugin');
});

test("a plugin principal is always the tapping instance's, whatever plugin it names", async (t) => {
  const hooks = createHostHooks();
  createPluginHooks(hooks, 'static-token', timeouts(1000), createPluginStats()).authenticate.tap(async () => ({
    kind: 'plugin',
    plugin: 'someone-else',
    name: 'ci-bot',
    permissions: ['Hooks.Redeploy'],
  }));
  t.deepEqual(await hooks.authenticate.promise(request), { kind: 'plugin', plugin: 'static-token', name: 'ci-bot', permissions: ['Hooks.Redeploy'], environmentId: null });
});

/** Resolves once `condition` holds, checking after each turn of the event loop. */
async function waitUntil(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((done) => setImmediate(done));
}

/** A logger whose lines are kept, parsed. */
function keptLog() {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } });
  return { log, lines };
}

test('a failure is logged naming the plugin, the hook and the request being served', async (t) => {
  const { log, lines } = keptLog();
  const hooks = createHostHooks();
  createPluginHooks(hooks, 'flaky-auth', timeouts(1000), createPluginStats(), log).authenticate.tap(async () => {
    throw new Error('boom');
  });
  await t.throwsAsync(hooks.authenticate.promise(request));
  t.like(lines[0], { level: 50, msg: 'plugin failed', plugin: 'flaky-auth', hook: 'authenticate', requestId: 'req-42', code: 'PLUGIN_FAILED' });
});

test('a deploy hook failure is logged naming the request that started the deployment, or none', async (t) => {
  const { log, lines } = keptLog();
  const hooks = createHostHooks();
  createPluginHooks(hooks, 'flaky-runtime', timeouts(1000), createPluginStats(), log).deploy.tap(async () => {
    throw new Error('engine gone');
  });
  await t.throwsAsync(hooks.deploy.promise(samplePlan(), { ...sampleContext(), requestId: 'req-7' }));
  await t.throwsAsync(hooks.deploy.promise(samplePlan(), sampleContext()));
  t.like(lines[0], { msg: 'plugin failed', plugin: 'flaky-runtime', hook: 'deploy', requestId: 'req-7' });
  t.like(lines[1], { msg: 'plugin failed', plugin: 'flaky-runtime', hook: 'deploy', requestId: null });
});

/** Runs one catalog source alone and returns how it was settled. */
async function settleSource(answer: (request: CatalogSourceRequest) => Promise<unknown>, previousRevision?: string) {
  const hooks = createHostHooks();
  const stats = createPluginStats();
  // The view's types hold sources to the contract; this test feeds what a careless one returns.
  createPluginHooks(hooks, 'src', timeouts(200), stats).catalogSource.tap(answer as (request: CatalogSourceRequest) => Promise<CatalogSourceResult>);
  const previous = new Map(previousRevision === undefined ? [] : [['src', previousRevision]]);
  const outcome = (await runCatalogSources(hooks, previous, new AbortController().signal)).get('src');
  if (outcome === undefined) throw new Error('the source was not settled');
  return { outcome, stats };
}

for (const [what, answer] of [
  ['nothing', undefined],
  ['a list without a reader', { files: ['a.yaml'], revision: null }],
  ['paths that are not strings', { files: [1], read: async () => '', revision: null }],
] as const) {
  test(`a catalog source answering ${what} fails by name, and nothing of it is parsed`, async (t) => {
    const { outcome, stats } = await settleSource(async () => answer);
    t.true('error' in outcome && outcome.error instanceof PluginError && outcome.error.plugin === 'src');
    t.is(stats.failures, 1);
  });
}

test('a catalog source claiming "unchanged" before it ever delivered files fails', async (t) => {
  const { outcome } = await settleSource(async () => ({ unchanged: true }));
  t.regex('error' in outcome ? errorMessage(outcome.error) : '', /answered \{ unchanged: true \} but never delivered files before/);
});

test('files at the revision the host already holds count as unchanged, whether or not the source compared', async (t) => {
  const { outcome } = await settleSource(async () => ({ files: ['a.yaml'], read: async () => 'x', revision: 'r7' }), 'r7');
  t.deepEqual('result' in outcome ? outcome.result : null, { unchanged: true });
});

test('a read that hangs fails the whole source, so it keeps its last good state', async (t) => {
  const { outcome, stats } = await settleSource(async () => ({ files: ['a.yaml'], read: () => new Promise(() => {}), revision: 'r2' }));
  if (!('result' in outcome) || 'unchanged' in outcome.result) return t.fail('the listing itself succeeded');
  const err = await t.throwsAsync(readSourceManifests('src', outcome.result), { instanceOf: PluginError });
  t.is(err?.code, 'PLUGIN_TIMEOUT');
  t.is(err?.message, "Plugin 'src' failed in hook 'catalogSource': read('a.yaml') did not answer within the source's deadline of 200 ms");
  t.like(stats, { calls: 1, failures: 1 });
});

test('a read cut off by the source signal fails the whole source too', async (t) => {
  const { outcome } = await settleSource(async ({ signal }) => ({
    files: ['a.yaml'],
    revision: 'r3',
    // Honours the signal, as a source should: rejects once the source's deadline aborts it.
    read: () => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true })),
  }));
  if (!('result' in outcome) || 'unchanged' in outcome.result) return t.fail('the listing itself succeeded');
  const err = await t.throwsAsync(readSourceManifests('src', outcome.result), { instanceOf: PluginError });
  t.is(err?.code, 'PLUGIN_TIMEOUT');
});

test('a read that rejects stays a warning about that file', async (t) => {
  const files = { files: ['a.yaml', 'b.yaml'], revision: null, read: async (path: string) => (path === 'a.yaml' ? Promise.reject(Object.assign(new Error('gone'), { code: 'HTTP_404' })) : 'x: 1\n') };
  const { outcome, stats } = await settleSource(async () => files);
  if (!('result' in outcome) || 'unchanged' in outcome.result) return t.fail('the listing itself succeeded');
  const { warnings } = await readSourceManifests('src', outcome.result);
  t.deepEqual(warnings, [{ file: 'a.yaml', message: 'cannot be read (HTTP_404)' }]);
  t.is(stats.failures, 0);
});

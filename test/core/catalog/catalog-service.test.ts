import test, { type ExecutionContext } from 'ava';
import { z } from 'zod';
import { CatalogService } from '../../../core/catalog/catalog-service.js';
import { createHostHooks } from '../../../core/hooks/host-hooks.js';
import { createLogger } from '../../../core/logger.js';
import { definePlugin, type PluginDefinition } from '../../../core/plugin-api.js';
import type { TestHost } from '../../../core/testing.js';
import { singleStackProduct } from '../../support/product-manifests.js';
import { useTestHost } from '../../support/test-host.js';

/** An in-memory catalog source the test controls: its files, failures, and when it answers. */
class ScriptedSource {
  files: Record<string, string> = {};
  failWith: string | null = null;
  calls = 0;
  #gate: { promise: Promise<void>; open: () => void } | null = null;
  #entered: Array<() => void> = [];

  /** Makes the next answers wait until `open()` is called. */
  hold(): { open: () => void } {
    let open!: () => void;
    const promise = new Promise<void>((done) => (open = done));
    this.#gate = { promise, open };
    return { open: () => ((this.#gate = null), open()) };
  }

  /** Resolves when the source has been asked (and is possibly waiting at the gate). */
  asked(): Promise<void> {
    return new Promise((done) => this.#entered.push(done));
  }

  plugin(): PluginDefinition {
    return definePlugin({
      id: 'scripted-source',
      apiVersion: '1.0',
      options: z.strictObject({}),
      setup: ({ hooks }) => {
        hooks.catalogSource.tap(async () => {
          this.calls += 1;
          for (const done of this.#entered.splice(0)) done();
          const snapshot = { ...this.files };
          const failure = this.failWith;
          await this.#gate?.promise;
          if (failure !== null) throw new Error(failure);
          return { files: Object.keys(snapshot), read: async (path) => snapshot[path] ?? '', revision: null };
        });
      },
    });
  }
}

async function scriptedHost(t: ExecutionContext, ...names: string[]): Promise<{ host: TestHost; sources: ScriptedSource[] }> {
  const sources = names.map(() => new ScriptedSource());
  const plugins = Object.fromEntries(names.map((name, index) => [name, sources[index]?.plugin() as PluginDefinition]));
  const host = await useTestHost(t, { plugins, config: { plugins: names.map((name) => ({ use: name, name })) } });
  return { host, sources };
}

const versionsOf = (host: TestHost, groupId: string): string[] => host.host.catalog.versions(groupId).map((product) => product.version);

test('Readers see the last complete catalog while a sync runs, and the new one at once when it ends', async (t) => {
  const { host, sources } = await scriptedHost(t, 'first', 'second');
  const [first, second] = sources as [ScriptedSource, ScriptedSource];
  first.files = { 'shop.yaml': singleStackProduct('Shop', '1.0.0', { productId: 'shop' }) };
  await host.host.catalog.sync();
  t.deepEqual(versionsOf(host, 'shop'), ['1.0.0']);

  first.files = { 'shop.yaml': singleStackProduct('Shop', '2.0.0', { productId: 'shop' }) };
  second.files = { 'tools.yaml': singleStackProduct('Tools', '1.0.0', { productId: 'tools' }) };
  const gate = second.hold();
  const asked = second.asked();
  const sync = host.host.catalog.sync();
  await asked;
  // The first source has answered, the second has not: nothing of this sync is visible yet.
  t.deepEqual(versionsOf(host, 'shop'), ['1.0.0']);
  t.deepEqual(versionsOf(host, 'tools'), []);
  const during = await host.request('GET', '/healthz');
  t.is(during.status, 200, 'the host answers while a sync runs');

  gate.open();
  t.like(await sync, { success: true, sourcesSynced: 2, stacksLoaded: 2 });
  t.deepEqual(versionsOf(host, 'shop'), ['2.0.0']);
  t.deepEqual(versionsOf(host, 'tools'), ['1.0.0']);
});

test('A sync asked for while one runs runs once more afterwards, shared by everyone who asked meanwhile', async (t) => {
  const { host, sources } = await scriptedHost(t, 'only');
  const [source] = sources as [ScriptedSource];
  const callsAtStart = source.calls;
  source.files = { 'shop.yaml': singleStackProduct('Shop', '1.0.0', { productId: 'shop' }) };
  const gate = source.hold();
  const asked = source.asked();
  const running = host.host.catalog.sync();
  await asked;

  // A push lands while the first sync is already reading.
  source.files = { 'shop.yaml': singleStackProduct('Shop', '1.1.0', { productId: 'shop' }) };
  const second = host.host.catalog.sync();
  const third = host.host.catalog.sync();
  t.is(second, third, 'callers waiting for the next run share it');
  gate.open();

  t.like(await running, { stacksLoaded: 1 });
  await second;
  t.is(source.calls - callsAtStart, 2, 'exactly one more run');
  t.deepEqual(versionsOf(host, 'shop'), ['1.1.0']);
});

test('A failing source keeps its last good products while the others update', async (t) => {
  const { host, sources } = await scriptedHost(t, 'flaky', 'steady');
  const [flaky, steady] = sources as [ScriptedSource, ScriptedSource];
  flaky.files = { 'shop.yaml': singleStackProduct('Shop', '1.0.0', { productId: 'shop' }) };
  steady.files = { 'tools.yaml': singleStackProduct('Tools', '1.0.0', { productId: 'tools' }) };
  await host.host.catalog.sync();

  flaky.failWith = 'the remote is down';
  flaky.files = {};
  steady.files = { 'tools.yaml': singleStackProduct('Tools', '1.1.0', { productId: 'tools' }) };
  const report = await host.host.catalog.sync();

  t.deepEqual(report, {
    success: false,
    sourcesSynced: 1,
    stacksLoaded: 1,
    errors: [{ source: 'flaky', message: 'the remote is down' }],
    warnings: [],
  });
  t.deepEqual(versionsOf(host, 'shop'), ['1.0.0']);
  t.deepEqual(versionsOf(host, 'tools'), ['1.1.0']);
});

test('A source failing at start does not stop the start, and the others load', async (t) => {
  const broken = new ScriptedSource();
  broken.failWith = 'cannot reach the index';
  const fine = new ScriptedSource();
  fine.files = { 'shop.yaml': singleStackProduct('Shop', '1.0.0', { productId: 'shop' }) };
  const host = await useTestHost(t, {
    plugins: { broken: broken.plugin(), fine: fine.plugin() },
    config: { plugins: [{ use: 'broken', name: 'broken' }, { use: 'fine', name: 'fine' }] },
  });
  t.deepEqual(versionsOf(host, 'shop'), ['1.0.0']);
  t.true(host.logs.some((line) => line.includes('catalog source failed') && line.includes('cannot reach the index')));
});

test('Two products of one source with the same id keep the first, with a warning', async (t) => {
  const { host, sources } = await scriptedHost(t, 'only');
  const [source] = sources as [ScriptedSource];
  // No productId: groupId `only:shop`, id `only:shop:1.0.0`. productId `shop`: the same id.
  source.files = {
    'a.yaml': singleStackProduct('shop', '1.0.0'),
    'b.yaml': singleStackProduct('Shop Two', '1.0.0', { productId: 'shop' }),
  };
  const report = await host.host.catalog.sync();
  t.is(report.stacksLoaded, 1);
  t.deepEqual(report.warnings, [{ source: 'only', file: 'b.yaml', message: "Product id 'only:shop:1.0.0' is already taken by another product of this source; this copy is ignored." }]);
  t.is(host.host.catalog.byId('only:shop:1.0.0')?.manifest.file, 'a.yaml');
});

test('A closed catalog refuses to sync', async (t) => {
  const catalog = new CatalogService(createHostHooks(), createLogger({ level: 'silent' }), { sourceTimeoutMs: 1000 });
  await catalog.sync();
  await catalog.close();
  await t.throwsAsync(catalog.sync(), { message: 'the catalog is closed' });
  await t.notThrowsAsync(catalog.ready());
});

import test, { type ExecutionContext } from 'ava';
import { z } from 'zod';
import { CatalogService } from '../../../core/catalog/catalog-service.js';
import { sharedCatalog } from '../../../core/deployments/shared-catalog.js';
import { StackLocks } from '../../../core/deployments/stack-locks.js';
import { createLogger } from '../../../core/logger.js';
import { definePlugin } from '../../../core/plugin-api.js';
import type { Store } from '../../../core/store/open-store.js';
import { databaseEngines } from '../../support/databases.js';
import { startPlugin } from '../../support/plugin-harness.js';
import { singleStackProduct } from '../../support/product-manifests.js';
import { useTestStore } from '../../support/test-store.js';

const silent = createLogger({ level: 'silent' });

/** The source folder every host reads (each through its own source plugin), and who read it when. */
class SharedFolder {
  files: Record<string, string> = { 'shop-1.yaml': singleStackProduct('Shop', '1.0.0', { productId: 'shop' }) };
  /** `<host> start` and `<host> end` of every read, in the order they happened. */
  readonly reads: string[] = [];
  readonly #gates = new Map<string, Promise<void>>();
  readonly #onRead: Array<(entry: string) => void> = [];

  /** Makes `host`'s next reads wait until the returned function is called. */
  hold(host: string): () => void {
    let open!: () => void;
    this.#gates.set(host, new Promise((done) => (open = done)));
    return () => {
      this.#gates.delete(host);
      open();
    };
  }

  /** Resolves with the next read event. */
  nextRead(): Promise<string> {
    return new Promise((done) => this.#onRead.push(done));
  }

  #record(entry: string): void {
    this.reads.push(entry);
    for (const done of this.#onRead.splice(0)) done(entry);
  }

  async read(host: string): Promise<Record<string, string>> {
    this.#record(`${host} start`);
    const files = { ...this.files };
    await this.#gates.get(host);
    this.#record(`${host} end`);
    return files;
  }
}

/** A host's catalog on its own connection to the shared database, fed by the shared folder. */
async function hostCatalog(t: ExecutionContext, name: string, store: Store, folder: SharedFolder): Promise<CatalogService> {
  const source = await startPlugin(
    definePlugin({
      id: 'shared-folder',
      apiVersion: '1.0',
      options: z.strictObject({}),
      setup: ({ hooks }) => {
        hooks.catalogSource.tap(async () => {
          const files = await folder.read(name);
          return { files: Object.keys(files), read: async (path) => files[path] ?? '', revision: null };
        });
      },
    }),
    { name: 'shared' },
  );
  // Leases long enough that a slow machine renews them in time; waits are bounded by the tests.
  const locks = new StackLocks(store, silent, { leaseMs: 5_000, pollMs: 20 });
  const catalog = new CatalogService(source.hooks, silent, { sourceTimeoutMs: 30_000, shared: sharedCatalog(store, locks, 30_000) });
  t.teardown(async () => {
    await catalog.close();
    await source.close();
  });
  return catalog;
}

const versionsOf = (catalog: CatalogService) => catalog.versions('shop').map((product) => product.version);

for (const engine of databaseEngines) {
  test(`a sync on one host is in the other host's catalog before its next lookup (${engine})`, async (t) => {
    const { store, reopen } = await useTestStore(t, engine);
    const folder = new SharedFolder();
    const a = await hostCatalog(t, 'a', store, folder);
    const b = await hostCatalog(t, 'b', await reopen(), folder);
    await a.sync();
    await b.sync();

    folder.files['shop-2.yaml'] = singleStackProduct('Shop', '2.0.0', { productId: 'shop' });
    await a.sync();
    t.deepEqual(versionsOf(b), ['1.0.0'], 'the other host has not read the folder again yet');
    await b.upToDate();
    t.deepEqual(versionsOf(b), ['1.0.0', '2.0.0']);

    const readsSoFar = folder.reads.length;
    await b.upToDate();
    await a.upToDate();
    t.is(folder.reads.length, readsSoFar, 'a host that is up to date does not read its sources again');
  });

  test(`syncs on two hosts at once read the sources one after the other and leave the same catalog (${engine})`, async (t) => {
    const { store, reopen } = await useTestStore(t, engine);
    const storeB = await reopen();
    const folder = new SharedFolder();
    const a = await hostCatalog(t, 'a', store, folder);
    const b = await hostCatalog(t, 'b', storeB, folder);
    await Promise.all([a.sync(), b.sync()]);
    folder.reads.length = 0;

    folder.files['shop-2.yaml'] = singleStackProduct('Shop', '2.0.0', { productId: 'shop' });
    const open = folder.hold('a');
    const aReads = folder.nextRead();
    const syncA = a.sync();
    t.is(await aReads, 'a start');
    // Host B asks for its turn while A reads: it must still be waiting after looking twice.
    let looks = 0;
    const lookedTwice = new Promise<string>((done) =>
      storeB.on('query', (query: { sql: string }) => {
        if (query.sql.startsWith('select') && query.sql.includes('stack_leases')) looks += 1;
        if (looks === 2) done('waiting');
      }),
    );
    const syncB = b.sync();
    t.is(await Promise.race([lookedTwice, folder.nextRead()]), 'waiting', 'B does not read while A syncs');
    open();
    const [reportA, reportB] = await Promise.all([syncA, syncB]);

    t.deepEqual(folder.reads, ['a start', 'a end', 'b start', 'b end']);
    for (const report of [reportA, reportB]) t.like(report, { success: true, sourcesSynced: 1, stacksLoaded: 2 });
    await a.upToDate();
    t.deepEqual(versionsOf(a), ['1.0.0', '2.0.0']);
    t.deepEqual(versionsOf(b), versionsOf(a));
  });
}

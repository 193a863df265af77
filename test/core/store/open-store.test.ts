import test from 'ava';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../../core/store/open-store.js';
import { migrations } from '../../../core/store/migrations.js';
import { databaseConfig, databaseEngines } from '../../support/databases.js';
import { validateConfig } from '../../../core/config/load-config.js';

for (const engine of databaseEngines) {
  test(`migrations run at start on ${engine} and are recorded once`, async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'rsgo-store-'));
    t.teardown(() => rm(dir, { recursive: true, force: true }));
    const { database } = validateConfig({ database: await databaseConfig(t, engine) });
    const first = await openStore(database, dir, dir);
    await first.destroy();
    // A second start finds nothing to do and keeps the data.
    const store = await openStore(database, dir, dir);
    t.teardown(() => store.destroy());
    const ran = await store('knex_migrations').select('name').orderBy('id');
    t.deepEqual(ran.map((row: { name: string }) => row.name), migrations.map((m) => m.name));
    t.true(await store.schema.hasTable('environments'));
  });
}

test('the SQLite file and the data folder are owner-only', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'rsgo-store-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const dataDir = join(dir, 'data');
  const { database } = validateConfig({});
  const store = await openStore(database, dir, dataDir);
  t.teardown(() => store.destroy());
  t.is((await stat(join(dataDir, 'rsgo.sqlite'))).mode & 0o777, 0o600);
  t.is((await stat(dataDir)).mode & 0o777, 0o700);
});

test('SQLite runs with WAL and foreign keys on', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'rsgo-store-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const store = await openStore(validateConfig({}).database, dir, dir);
  t.teardown(() => store.destroy());
  const journal = (await store.raw('PRAGMA journal_mode')) as Array<{ journal_mode: string }>;
  const keys = (await store.raw('PRAGMA foreign_keys')) as Array<{ foreign_keys: number }>;
  t.is(journal[0]?.journal_mode, 'wal');
  t.is(keys[0]?.foreign_keys, 1);
});

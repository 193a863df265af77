import test from 'ava';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knex from 'knex';
import { validateConfig } from '../../../core/config/load-config.js';
import { migrations } from '../../../core/store/migrations.js';
import { openStore } from '../../../core/store/open-store.js';
import { createMysqlDatabase } from '../../support/databases.js';
import { eventually } from '../../support/host-process.js';

async function mysqlDatabase(t: Parameters<typeof createMysqlDatabase>[0]) {
  const dir = await mkdtemp(join(tmpdir(), 'rsgo-store-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const url = await createMysqlDatabase(t);
  return { dir, url, database: validateConfig({ database: { client: 'mysql', url } }).database };
}

test('hosts opening one new MySQL database at the same moment all start, and the migrations run once', async (t) => {
  const { dir, database } = await mysqlDatabase(t);
  const stores = await Promise.all([1, 2, 3].map(() => openStore(database, dir, dir)));
  t.teardown(() => Promise.all(stores.map((store) => store.destroy())));
  const ran = await stores[0]!('knex_migrations').select('name').orderBy('id');
  t.deepEqual(ran.map((row: { name: string }) => row.name), migrations.map((m) => m.name));
  t.is((await stores[0]!('knex_migrations_lock').count({ n: '*' }))[0]?.['n'], 1);
});

test('a host starting while another migrates waits for it, then starts', async (t) => {
  const { dir, url, database } = await mysqlDatabase(t);
  // Another host in the middle of its migrations: it holds the lock on its own connection.
  const other = knex({ client: 'mysql2', connection: { uri: url } as never, pool: { min: 1, max: 1 } });
  t.teardown(() => other.destroy());
  const [[held]] = (await other.raw("SELECT GET_LOCK(CONCAT('rsgo.migrations.', SHA1(DATABASE())), 0) AS taken")) as [[{ taken: number }]];
  t.is(held.taken, 1);
  let opened = false;
  const opening = openStore(database, dir, dir).then((store) => {
    opened = true;
    return store;
  });
  await eventually('the starting host to wait for the lock', 30_000, async () => {
    const [rows] = (await other.raw("SELECT COUNT(*) AS n FROM information_schema.processlist WHERE info LIKE 'SELECT GET_LOCK(%'")) as [[{ n: number }]];
    return Number(rows[0].n) > 0 ? true : undefined;
  });
  t.false(opened, 'it waits while the other host migrates');
  await other.raw("SELECT RELEASE_LOCK(CONCAT('rsgo.migrations.', SHA1(DATABASE())))");
  const store = await opening;
  t.teardown(() => store.destroy());
  t.true(await store.schema.hasTable('deployments'));
});

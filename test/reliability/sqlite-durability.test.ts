import test, { type ExecutionContext } from 'ava';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { validateConfig } from '../../core/config/load-config.js';
import { openStore, type Store } from '../../core/store/open-store.js';
import { useTestHost } from '../support/test-host.js';

/** Kill rounds per test: each one kills a writer at a different moment of its work. */
const KILL_ROUNDS = 3;
/** Writes a round waits for before it kills the writer (several per killing moment). */
const WRITES_BEFORE_KILL = 200;

async function tempFolder(t: ExecutionContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'rsgo-durability-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function openSqlite(t: ExecutionContext, filename: string): Promise<Store> {
  const dir = join(filename, '..');
  const store = await openStore(validateConfig({ database: { client: 'sqlite', filename } }).database, dir, dir);
  t.teardown(() => store.destroy());
  return store;
}

/**
 * Starts the writer process on `filename`, lets it acknowledge at least `writes` rows, then
 * kills it with SIGKILL while it is writing. Returns every id it acknowledged.
 */
async function writeThenKill(filename: string, writes: number): Promise<string[]> {
  const writer = spawn(process.execPath, ['--import=tsx', 'test/fixtures/processes/write-until-killed.ts', filename], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<NodeJS.Signals | null>((done) => writer.once('exit', (_code, signal) => done(signal)));
  const acknowledged: string[] = [];
  // A random extra delay puts the kill at a different point of the write cycle each round.
  const extraMs = Math.floor(Math.random() * 20);
  for await (const line of createInterface({ input: writer.stdout })) {
    if (line === 'ready') continue;
    acknowledged.push(line);
    if (acknowledged.length === writes) setTimeout(() => writer.kill('SIGKILL'), extraMs);
  }
  // Lines still in the pipe when the kill landed were read above: the loop ends at EOF.
  if ((await exited) !== 'SIGKILL') throw new Error('the writer ended before it was killed');
  return acknowledged;
}

test('Every write a host acknowledged before being killed with SIGKILL is in the SQLite database afterwards', async (t) => {
  const filename = join(await tempFolder(t), 'rsgo.sqlite');
  const acknowledged: string[] = [];
  for (let round = 0; round < KILL_ROUNDS; round++) acknowledged.push(...(await writeThenKill(filename, WRITES_BEFORE_KILL)));

  const store = await openSqlite(t, filename);
  const [integrity] = (await store.raw('PRAGMA integrity_check')) as Array<{ integrity_check: string }>;
  t.is(integrity?.integrity_check, 'ok');
  const rows = (await store('api_keys').select('id', 'key_hash', 'permissions')) as Array<{ id: string; key_hash: string; permissions: string }>;
  const stored = new Set(rows.map((row) => row.id));
  const lost = acknowledged.filter((id) => !stored.has(id));
  t.deepEqual(lost, [], `${lost.length} of ${acknowledged.length} acknowledged writes were lost`);
  // Rows are whole: a torn write would show as a missing or cut hash.
  t.true(rows.every((row) => /^[0-9a-f]{64}$/.test(row.key_hash) && row.permissions === '["Hooks.Redeploy"]'));
  t.log(`${acknowledged.length} acknowledged writes over ${KILL_ROUNDS} kills, ${rows.length} rows found, none lost`);
});

test('SQLite syncs every commit to disk (synchronous FULL), also when an existing database is opened again', async (t) => {
  const filename = join(await tempFolder(t), 'rsgo.sqlite');
  const first = await openSqlite(t, filename);
  const synchronous = async (store: Store) => ((await store.raw('PRAGMA synchronous')) as Array<{ synchronous: number }>)[0]?.synchronous;
  t.is(await synchronous(first), 2, 'FULL on a new database');
  await first.destroy();
  // A WAL database opened again falls back to the library's WAL default (NORMAL) unless told.
  t.is(await synchronous(await openSqlite(t, filename)), 2, 'FULL on a database opened again');
});

test('The host creates its data folder, database and WAL files owner-only, whatever the umask', async (t) => {
  const previous = process.umask(0);
  t.teardown(() => void process.umask(previous));
  const dataDir = join(await tempFolder(t), 'nested', 'data');
  const host = await useTestHost(t, { config: { dataDir } });
  // A write makes sure the WAL and shared-memory files exist.
  t.is((await host.request('POST', '/api/auth/login', { body: host.admin })).status, 200);
  t.is((await stat(dataDir)).mode & 0o777, 0o700, 'data folder');
  const files = (await readdir(dataDir)).filter((name) => name.startsWith('rsgo.sqlite'));
  t.deepEqual(files.sort(), ['rsgo.sqlite', 'rsgo.sqlite-shm', 'rsgo.sqlite-wal']);
  for (const name of [...files, 'token-secret']) t.is((await stat(join(dataDir, name))).mode & 0o777, 0o600, name);
});

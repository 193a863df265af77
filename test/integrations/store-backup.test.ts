import test, { type ExecutionContext } from 'ava';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createKey, useAuthHost } from '../support/api-keys.js';
import { createMysqlDatabase } from '../support/databases.js';
import { useTestHost } from '../support/test-host.js';

const run = promisify(execFile);

async function tempDir(t: ExecutionContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'rsgo-backup-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** The names of the keys a host started on `database` finds in its store. */
async function keyNamesIn(t: ExecutionContext, database: Record<string, unknown>): Promise<string[]> {
  const restored = await useTestHost(t, { config: { database } });
  return (await restored.host.apiKeys.list()).map((key) => key.name);
}

for (const command of ['.backup', 'VACUUM INTO'] as const) {
  test(`the documented SQLite ${command} copies a running host's store, and a host starts from the copy`, async (t) => {
    const dir = await tempDir(t);
    const source = join(dir, 'rsgo.sqlite');
    const auth = await useAuthHost(t, 'sqlite', { database: { client: 'sqlite', filename: source } });
    await createKey(t, auth, { name: 'before the backup', permissions: ['Hooks.SyncSources'] });
    const copy = join(dir, 'copy.sqlite');
    await run('sqlite3', [source, command === '.backup' ? `.backup '${copy}'` : `VACUUM INTO '${copy}'`]);
    t.deepEqual(await keyNamesIn(t, { client: 'sqlite', filename: copy }), ['before the backup']);
  });
}

test("the documented mysqldump of a running host's store restores into a database a host starts from", async (t) => {
  const sourceUrl = await createMysqlDatabase(t);
  const auth = await useAuthHost(t, 'mysql', { database: { client: 'mysql', url: sourceUrl } });
  await createKey(t, auth, { name: 'before the backup', permissions: ['Hooks.SyncSources'] });
  const targetUrl = await createMysqlDatabase(t);
  const connection = (url: string) => {
    const parsed = new URL(url);
    return { args: ['-h', parsed.hostname, '-P', parsed.port || '3306', '-u', decodeURIComponent(parsed.username)], password: decodeURIComponent(parsed.password), database: parsed.pathname.slice(1) };
  };
  const from = connection(sourceUrl);
  const to = connection(targetUrl);
  const dir = await tempDir(t);
  const dump = join(dir, 'rsgo.sql');
  // The password goes through the environment, as `-p` on a command line would show in `ps`.
  const { stdout } = await run('mysqldump', ['--single-transaction', '--routines', '--triggers', ...from.args, from.database], {
    env: { ...process.env, MYSQL_PWD: from.password },
    maxBuffer: 64 * 1024 * 1024,
  });
  await writeFile(dump, stdout);
  await run('sh', ['-c', `mysql "$@" < '${dump}'`, 'mysql', ...to.args, to.database], { env: { ...process.env, MYSQL_PWD: to.password } });
  t.true((await readFile(dump, 'utf8')).includes('api_keys'));
  t.deepEqual(await keyNamesIn(t, { client: 'mysql', url: targetUrl }), ['before the backup']);
});

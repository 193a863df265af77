import test, { type ExecutionContext } from 'ava';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMysqlDatabase } from '../support/databases.js';
import { runCli } from '../support/run-cli.js';
import { useTestHost } from '../support/test-host.js';

const NEW_PASSWORD = 'a-new-password-of-some-length';

/** A folder with a config file `rsgo.yaml` holding `text`. */
async function configFolder(t: ExecutionContext, text: string): Promise<{ dir: string; configPath: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'rsgo-admin-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'rsgo.yaml'), text);
  return { dir, configPath: join(dir, 'rsgo.yaml') };
}

const signIn = (host: Awaited<ReturnType<typeof useTestHost>>, password: string) => host.request('POST', '/api/auth/login', { body: { username: 'admin', password } });

test('admin set-password replaces a lost password in the SQLite store while the host runs', async (t) => {
  const { dir, configPath } = await configFolder(t, 'dataDir: ./data\ndatabase: { client: sqlite, filename: ./data/rsgo.sqlite }\n');
  const host = await useTestHost(t, { configDir: dir, config: { dataDir: './data', database: { client: 'sqlite', filename: './data/rsgo.sqlite' } } });
  const run = await runCli(['admin', 'set-password', 'admin', '--config', configPath], { stdin: `${NEW_PASSWORD}\n` });
  t.is(run.code, 0, run.stderr);
  t.is(run.stdout, "Password of 'admin' changed.\n");
  t.is((await signIn(host, NEW_PASSWORD)).status, 200);
  t.is((await signIn(host, host.admin.password)).status, 401);
});

test('admin set-password works on MySQL with the database URL from the environment', async (t) => {
  const url = await createMysqlDatabase(t);
  const { dir, configPath } = await configFolder(t, 'dataDir: ./data\ndatabase: { client: mysql, url: "${RSGO_DB_URL}" }\n');
  const host = await useTestHost(t, { configDir: dir, config: { dataDir: './data', database: { client: 'mysql', url } } });
  const run = await runCli(['admin', 'set-password', 'ADMIN', '--json'], { stdin: NEW_PASSWORD, env: { RSGO_CONFIG: configPath, RSGO_DB_URL: url } });
  t.is(run.code, 0, run.stderr);
  t.deepEqual(run.json(), { success: true, message: "Password of 'admin' changed.", username: 'admin', created: false });
  t.is((await signIn(host, NEW_PASSWORD)).status, 200);
});

test('admin set-password refuses an unknown user unless --create, and a short password', async (t) => {
  const { dir, configPath } = await configFolder(t, 'dataDir: ./data\n');
  await useTestHost(t, { configDir: dir, config: { dataDir: './data' } });
  const unknown = await runCli(['admin', 'set-password', 'ops', '--config', configPath], { stdin: NEW_PASSWORD });
  t.is(unknown.code, 1);
  t.is(unknown.stderr, "rsgo: No user 'ops' in this store (use --create to add it).\n");

  const created = await runCli(['admin', 'set-password', 'ops', '--create', '--config', configPath], { stdin: NEW_PASSWORD });
  t.is(created.code, 0, created.stderr);
  t.is(created.stdout, "Created user 'ops'.\n");

  const short = await runCli(['admin', 'set-password', 'ops', '--config', configPath], { stdin: 'short\n' });
  t.is(short.code, 2);
  t.is(short.stderr, 'rsgo: The password must be at least 12 characters.\n');
});

test('admin set-password with a config whose database does not exist changes nothing and says so', async (t) => {
  const { dir, configPath } = await configFolder(t, 'dataDir: ./data\n');
  const run = await runCli(['admin', 'set-password', 'admin', '--config', configPath], { stdin: NEW_PASSWORD });
  t.is(run.code, 1);
  t.is(run.stderr, `rsgo: No database at ${join(dir, 'data', 'rsgo.sqlite')}: is ${configPath} the config of the host?\n`);

  const missingConfig = await runCli(['admin', 'set-password', 'admin', '--config', join(dir, 'nope.yaml')], { stdin: NEW_PASSWORD });
  t.is(missingConfig.code, 1);
  t.regex(missingConfig.stderr, /^rsgo: Invalid configuration: cannot read config file /);
});

test('login prints a session token the management commands accept, and a wrong password exits 3', async (t) => {
  const host = await useTestHost(t);
  const login = await runCli(['login', '--user', 'admin'], { stdin: `${host.admin.password}\n`, env: { RSGO_URL: host.url } });
  t.is(login.code, 0, login.stderr);
  t.regex(login.stderr, /^Signed in as 'admin'; the token is valid until \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\.\n$/);
  const list = await runCli(['env', 'list', '--json'], { env: { RSGO_URL: host.url, RSGO_TOKEN: login.stdout.trim() } });
  t.is(list.code, 0, list.stderr);

  const wrong = await runCli(['login', '--json'], { stdin: 'not the password\n', env: { RSGO_URL: host.url } });
  t.is(wrong.code, 3);
  t.like(wrong.json(), { success: false, message: 'Invalid username or password.', code: 'LOGIN_FAILED' });
});

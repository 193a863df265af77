import test, { type ExecutionContext } from 'ava';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestHost } from '../../core/testing.js';
import { catalogFolder } from '../support/catalog-folder.js';
import { eventually, startHostProcess } from '../support/host-process.js';
import { singleStackProduct } from '../support/product-manifests.js';
import { runCli } from '../support/run-cli.js';
import { useTestHost } from '../support/test-host.js';

// Serial: every run starts a Node process, and on a busy machine a crowd of them at once only
// makes each slower.

const source = (name: string, path: string) => ({ use: 'local-directory-source', name, options: { path } });

/** A folder with catalogs `a/` and `b/`, a config file enabling source `first` on `a/`, and a writer for that file. */
async function configFolder(t: ExecutionContext) {
  const dir = await catalogFolder(t, {
    'a/alpha.yaml': singleStackProduct('Alpha', '1.0.0'),
    'b/beta.yaml': singleStackProduct('Beta', '1.0.0'),
  });
  const file = join(dir, 'rsgo.yaml');
  // JSON is YAML. The address and data folder are those `rsgo serve` uses here (a test host overrides them).
  const write = (plugins: unknown[], extra: Record<string, unknown> = {}) =>
    writeFile(file, JSON.stringify({ server: { host: '127.0.0.1', port: 0 }, dataDir: './data', ...extra, plugins }));
  await write([source('first', './a')]);
  return { file, write };
}

/** An invalid config with two problems: a plugin that is not installed and a bad option. */
const invalidPlugins = [{ use: 'nope-not-installed' }, { use: 'local-directory-source', options: { path: 42 } }];

async function pluginNames(url: string, token: string): Promise<string[]> {
  const res = await fetch(`${url}/api/plugins`, { headers: { authorization: `Bearer ${token}` } });
  return ((await res.json()) as { plugins: Array<{ name: string }> }).plugins.map((plugin) => plugin.name);
}

const cliEnv = (host: TestHost, token: string) => ({ RSGO_URL: host.url, RSGO_TOKEN: token });

test.serial('rsgo reload replaces the running host\'s plugins and prints what changed; --json prints the answer', async (t) => {
  const config = await configFolder(t);
  const host = await useTestHost(t, { configFile: config.file });
  const token = await host.signIn();

  await config.write([source('second', './b')]);
  const run = await runCli(['reload'], { env: cliEnv(host, token) });
  t.is(run.code, 0, run.stderr);
  t.is(run.stdout, 'Config reloaded (plugins added: second; removed: first).\n');
  t.deepEqual(await pluginNames(host.url, token), ['second']);

  await config.write([source('second', './b')], { server: { host: '127.0.0.1', port: 0, trustProxy: true } });
  const json = await runCli(['reload', '--json'], { env: cliEnv(host, token) });
  t.is(json.code, 0, json.stderr);
  t.like(json.json(), { success: true, plugins: { added: [], removed: [], changed: [], unchanged: ['second'] }, restartRequired: ['server.trustProxy'] });
});

test.serial('rsgo reload of an invalid config exits 1 with the message rsgo serve prints for it, and the host keeps its plugins', async (t) => {
  const config = await configFolder(t);
  const host = await useTestHost(t, { configFile: config.file });
  const token = await host.signIn();

  await config.write(invalidPlugins);
  const run = await runCli(['reload'], { env: cliEnv(host, token) });
  const serve = await runCli(['serve', '--config', config.file]);

  t.is(run.code, 1);
  t.is(serve.code, 1);
  t.regex(serve.stderr, /^rsgo: Invalid configuration:\n {2}- plugins\[0\]: unknown plugin 'nope-not-installed'/);
  t.true(run.stderr.startsWith(serve.stderr), `reload:\n${run.stderr}\nserve:\n${serve.stderr}`);
  t.regex(run.stderr, /\(HTTP 400, CONFIG_INVALID, request id /);
  t.deepEqual(await pluginNames(host.url, token), ['first']);
});

test.serial('rsgo reload without a session token exits 3 before calling the host', async (t) => {
  const run = await runCli(['reload'], { env: { RSGO_URL: 'http://127.0.0.1:9' } });
  t.is(run.code, 3);
  t.regex(run.stderr, /No session token/);
});

test.serial('SIGHUP makes a running rsgo serve re-read its config; an invalid file is logged as an error and the process serves on', async (t) => {
  const config = await configFolder(t);
  const password = randomBytes(18).toString('base64url');
  const proc = await startHostProcess(t, config.file, { RSGO_ADMIN_USER: 'admin', RSGO_ADMIN_PASSWORD: password }, ['cli/main.ts', 'serve']);
  const login = await fetch(`${proc.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
  const { token } = (await login.json()) as { token: string };
  t.deepEqual(await pluginNames(proc.url, token), ['first']);

  await config.write([source('second', './b')]);
  proc.child.kill('SIGHUP');
  await eventually('the reload', 60_000, async () => ((await pluginNames(proc.url, token))[0] === 'second' ? true : undefined));
  t.regex(proc.output(), /"msg":"config reloaded/);

  await config.write(invalidPlugins);
  proc.child.kill('SIGHUP');
  const refused = await eventually('the refusal', 60_000, async () => proc.output().split('\n').find((line) => line.includes('config reload refused')));
  const line = JSON.parse(refused) as { level: number; err: string };
  t.is(line.level, 50, 'an error line');
  t.regex(line.err, /^Invalid configuration:\n {2}- plugins\[0\]: unknown plugin 'nope-not-installed'/);
  t.deepEqual(await pluginNames(proc.url, token), ['second']);
  t.is((await fetch(`${proc.url}/healthz`)).status, 200);

  proc.child.kill('SIGTERM');
  t.is(await proc.exited, 0);
});

import test, { type ExecutionContext } from 'ava';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { MAX_MANIFEST_BYTES } from 'rsgo/plugin';
import { startTestHost, type PluginView, type TestHost } from 'rsgo/testing';
import { VERSION } from '../src/index.js';
import { productManifest, startIndexServer, type IndexServer } from './index-server.js';

/** The plugin as an operator enables it by path: `use: /path/to/src/index.ts`. */
const pluginPath = fileURLToPath(new URL('../src/index.ts', import.meta.url));

interface Setup {
  readonly server: IndexServer;
  readonly host: TestHost;
  readonly apiKey: string;
}

/** Starts an index server publishing `files`, then a host with this source (instance `remote`) and api-key-auth. */
async function setUp(t: ExecutionContext, files: Record<string, string>, revision?: string, extraPlugins: object[] = []): Promise<Setup> {
  const server = await startIndexServer();
  t.teardown(() => server.close());
  server.publish(files);
  server.index(Object.keys(files), revision);
  const host = await startTestHost({
    config: {
      plugins: [{ use: 'api-key-auth' }, { use: pluginPath, name: 'remote', options: { url: server.indexUrl } }, ...extraPlugins],
    },
  });
  t.teardown(() => host.close());
  return { server, host, apiKey: await host.createApiKey(['Hooks.SyncSources']) };
}

/** `POST /api/hooks/sync-sources`, as a pipeline calls it. */
const sync = ({ host, apiKey }: Setup) => host.request('POST', '/api/hooks/sync-sources', { apiKey });

/** The catalog's product ids, sorted. */
async function catalogIds({ host }: Setup): Promise<string[]> {
  const res = await host.request('GET', '/api/catalog', { token: await host.signIn() });
  return (res.body['products'] as Array<{ id: string }>).map((product) => product.id).sort();
}

test('a sync through the webhook loads every product the index lists', async (t) => {
  const setup = await setUp(t, { 'whoami.yaml': productManifest('whoami', '1.0.0'), 'tools/echo.yaml': productManifest('echo', '2.1.0') });
  const res = await sync(setup);
  t.is(res.status, 200, res.text);
  t.like(res.body, { success: true, sourcesSynced: 1, stacksLoaded: 2, message: 'Synced 1 source(s), loaded 2 stack(s).' });
  t.deepEqual(await catalogIds(setup), ['remote:com.example.echo:2.1.0', 'remote:com.example.whoami:1.0.0']);
});

test('an index with an unchanged revision is answered 304 and no manifest is fetched again', async (t) => {
  const setup = await setUp(t, { 'whoami.yaml': productManifest('whoami', '1.0.0') }, 'r1');
  await sync(setup);
  const before = setup.server.requests.length;
  const res = await sync(setup);
  t.like(res.body, { success: true, stacksLoaded: 1 });
  t.deepEqual(setup.server.requests.slice(before), ['GET /catalog/index.json 304']);
});

test('a new revision is read again and its products replace the old ones', async (t) => {
  const setup = await setUp(t, { 'whoami.yaml': productManifest('whoami', '1.0.0') }, 'r1');
  await sync(setup);
  setup.server.publish({ 'whoami.yaml': productManifest('whoami', '1.1.0') });
  setup.server.index(['whoami.yaml'], 'r2');
  const res = await sync(setup);
  t.like(res.body, { success: true, stacksLoaded: 1 });
  t.deepEqual(await catalogIds(setup), ['remote:com.example.whoami:1.1.0']);
});

test('without a revision every sync reads every file', async (t) => {
  const setup = await setUp(t, { 'whoami.yaml': productManifest('whoami', '1.0.0') });
  await sync(setup);
  setup.server.publish({ 'whoami.yaml': productManifest('whoami', '1.0.1') });
  const before = setup.server.requests.length;
  await sync(setup);
  t.deepEqual(setup.server.requests.slice(before), ['GET /catalog/index.json 200', 'GET /catalog/whoami.yaml 200']);
  t.deepEqual(await catalogIds(setup), ['remote:com.example.whoami:1.0.1']);
});

test('a listed file the server does not have is a warning naming it, and the other products load', async (t) => {
  const setup = await setUp(t, { 'whoami.yaml': productManifest('whoami', '1.0.0') });
  setup.server.index(['whoami.yaml', 'gone.yaml']);
  const res = await sync(setup);
  t.like(res.body, { success: true, stacksLoaded: 1 });
  t.deepEqual(res.body['warnings'], [{ source: 'remote', file: 'gone.yaml', message: 'cannot be read (HTTP_404)' }]);
});

test('a listed path never leads a request out of the index folder', async (t) => {
  const setup = await setUp(t, { 'whoami.yaml': productManifest('whoami', '1.0.0') });
  setup.server.index(['whoami.yaml', '../private.yaml', '/catalog/../private.yaml', 'https://elsewhere.example/x.yaml']);
  const before = setup.server.requests.length;
  const res = await sync(setup);
  t.like(res.body, { success: true, stacksLoaded: 1 });
  const fetched = setup.server.requests.slice(before);
  t.true(fetched.every((line) => line.startsWith('GET /catalog/')), fetched.join('\n'));
  t.false(fetched.some((line) => line.includes('private')));
});

test('a manifest larger than the host accepts is refused without being loaded', async (t) => {
  const setup = await setUp(t, { 'whoami.yaml': productManifest('whoami', '1.0.0'), 'huge.yaml': `# ${'x'.repeat(MAX_MANIFEST_BYTES)}\n` });
  const res = await sync(setup);
  t.like(res.body, { success: true, stacksLoaded: 1 });
  t.deepEqual(res.body['warnings'], [{ source: 'remote', file: 'huge.yaml', message: 'cannot be read' }]);
});

test('an unreachable index fails this source only, and its last good products stay in the catalog', async (t) => {
  const other = await startIndexServer();
  t.teardown(() => other.close());
  other.publish({ 'wiki.yaml': productManifest('wiki', '3.0.0') });
  other.index(['wiki.yaml']);
  const setup = await setUp(t, { 'whoami.yaml': productManifest('whoami', '1.0.0') }, undefined, [
    { use: pluginPath, name: 'second', options: { url: other.indexUrl } },
  ]);
  t.like((await sync(setup)).body, { success: true, sourcesSynced: 2, stacksLoaded: 2 });

  await setup.server.close();
  const res = await sync(setup);
  t.is(res.status, 500, res.text);
  t.like(res.body, { success: false, sourcesSynced: 1, stacksLoaded: 1 });
  const errors = res.body['errors'] as Array<{ source: string; message: string }>;
  t.deepEqual(errors.map((error) => error.source), ['remote']);
  t.regex(errors[0]?.message ?? '', /^cannot fetch index http:\/\/127\.0\.0\.1:\d+\/catalog\/index\.json: /);
  t.deepEqual(await catalogIds(setup), ['remote:com.example.whoami:1.0.0', 'second:com.example.wiki:3.0.0']);
});

test('GET /api/plugins shows the source with its version, API version and its calls', async (t) => {
  const setup = await setUp(t, { 'whoami.yaml': productManifest('whoami', '1.0.0') });
  await sync(setup);
  const res = await setup.host.request('GET', '/api/plugins', { token: await setup.host.signIn() });
  const remote = (res.body['plugins'] as PluginView[]).find((plugin) => plugin.name === 'remote');
  t.like(remote, { id: 'http-index-source', version: VERSION, apiVersion: '1.0', origin: 'path', hooks: ['catalogSource'], failures: 0 });
  t.true((remote?.calls ?? 0) >= 1);
  const packageJson = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  t.is(VERSION, packageJson.version);
});

test('a URL that is not http or https stops the start naming the option', async (t) => {
  const err = await t.throwsAsync(startTestHost({ config: { plugins: [{ use: pluginPath, options: { url: 'file:///etc/stacks/index.json' } }] } }));
  t.regex(err?.message ?? '', /plugins\[0\]\.options\.url: must be an http:\/\/ or https:\/\/ URL/);
});

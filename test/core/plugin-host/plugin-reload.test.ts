import test, { type ExecutionContext } from 'ava';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../../../core/errors.js';
import { definePlugin } from '../../../core/plugin-api.js';
import { startTestHost, type TestHost } from '../../../core/testing.js';
import { probePlugin, ProbeRecorder } from '../../fixtures/plugins/reload-probe.js';
import { catalogFolder } from '../../support/catalog-folder.js';
import { singleStackProduct } from '../../support/product-manifests.js';
import { useTestHost } from '../../support/test-host.js';

/** Needs `probe` enabled before it. */
const dependent = definePlugin({ id: 'dependent', apiVersion: '1.0', dependsOn: ['probe'], options: z.strictObject({}), setup: () => undefined });

/** Its setup never returns. */
const hanging = definePlugin({ id: 'hanging', apiVersion: '1.0', options: z.strictObject({}), setup: () => new Promise<void>(() => undefined) });

/** A config folder with product manifests in `a/` and `b/`, and its config file path. */
async function configFolder(t: ExecutionContext): Promise<{ dir: string; file: string; write: (config: unknown) => Promise<void> }> {
  const dir = await catalogFolder(t, {
    'a/alpha.yaml': singleStackProduct('Alpha', '1.0.0', { productId: 'com.example.alpha' }),
    'b/beta.yaml': singleStackProduct('Beta', '2.0.0', { productId: 'com.example.beta' }),
  });
  const file = join(dir, 'rsgo.yaml');
  // JSON is YAML: the host reads it as it reads any config file.
  const write = (config: unknown) => writeFile(file, typeof config === 'string' ? config : JSON.stringify(config));
  return { dir, file, write };
}

const source = (name: string, path: string) => ({ use: 'local-directory-source', name, options: { path } });

async function pluginNames(host: TestHost, token: string): Promise<string[]> {
  const res = await host.request('GET', '/api/plugins', { token });
  return (res.body['plugins'] as Array<{ name: string }>).map((plugin) => plugin.name);
}

async function catalogProducts(host: TestHost, token: string): Promise<string[]> {
  const res = await host.request('GET', '/api/catalog', { token });
  return (res.body['products'] as Array<{ groupId: string }>).map((product) => product.groupId).sort();
}

test('a reload adds and removes plugins: GET /api/plugins, the catalog and the audit trail show the new set', async (t) => {
  const probe = new ProbeRecorder();
  const config = await configFolder(t);
  await config.write({ plugins: [source('first', './a'), { use: 'probe', options: { label: 'one' } }] });
  const host = await useTestHost(t, { configFile: config.file, plugins: { probe: probePlugin(probe) } });
  const token = await host.signIn();
  t.deepEqual(await pluginNames(host, token), ['first', 'probe']);
  t.deepEqual(await catalogProducts(host, token), ['com.example.alpha']);

  await config.write({ plugins: [{ use: 'probe', options: { label: 'two' } }, source('second', './b')] });
  const res = await host.request('POST', '/api/admin/reload', { token });

  t.is(res.status, 200, res.text);
  t.deepEqual(res.body, {
    success: true,
    message: 'Config reloaded (plugins added: second; removed: first; changed: probe).',
    plugins: { added: ['second'], removed: ['first'], changed: ['probe'], unchanged: [] },
    restartRequired: [],
  });
  t.deepEqual(await pluginNames(host, token), ['probe', 'second']);
  // Nothing ran on the replaced set: it closed at once.
  t.deepEqual(probe.events, ['setup:one', 'setup:two', 'close:one']);
  // The sync the reload started, or this one queued after it, has the new sources only.
  t.is((await host.request('POST', '/api/catalog/sync', { token })).status, 200);
  t.deepEqual(await catalogProducts(host, token), ['com.example.beta']);
  const audit = await host.request('GET', '/api/audit', { token });
  t.like((audit.body['events'] as Array<Record<string, unknown>>).find((event) => event.action === 'config.reloaded'), {
    outcome: 'success',
    status: 200,
    actorName: 'admin',
    endpoint: 'POST /api/admin/reload',
  });
});

const good = (dir: string) => ({ plugins: [source('stacks', join(dir, 'a')), { use: 'probe', options: { label: 'old' } }] });

const refusals: ReadonlyArray<{ readonly title: string; readonly config: (dir: string) => unknown; readonly problem: RegExp }> = [
  { title: 'bad YAML', config: () => 'plugins: [ { use: probe', problem: /YAML: / },
  { title: 'an unknown key', config: (dir) => ({ ...good(dir), colour: 'blue' }), problem: /unknown key\(s\) 'colour'/ },
  { title: 'an unknown plugin', config: () => ({ plugins: [{ use: 'nope-not-installed' }] }), problem: /unknown plugin 'nope-not-installed'/ },
  { title: 'a bad plugin option', config: () => ({ plugins: [{ use: 'probe', options: { label: 7 } }] }), problem: /plugins\[0\]\.options\.label/ },
  { title: 'a missing dependency', config: () => ({ plugins: [{ use: 'dependent' }] }), problem: /depends on 'probe', which must be enabled earlier/ },
  {
    title: 'a setup that throws',
    config: (dir) => ({ plugins: [source('stacks', join(dir, 'b')), { use: 'probe', options: { label: 'new', failSetup: true } }] }),
    problem: /setup failed: probe new cannot reach its database/,
  },
  {
    title: 'a setup that times out',
    config: () => ({ plugins: [{ use: 'hanging', timeoutMs: { setup: 100 } }] }),
    problem: /setup failed: did not finish within 100 ms/,
  },
];

for (const refusal of refusals) {
  test(`a reload with ${refusal.title} is refused with the message a start gives, and the old set keeps serving`, async (t) => {
    const probe = new ProbeRecorder();
    const config = await configFolder(t);
    await config.write(good(config.dir));
    const plugins = { probe: probePlugin(probe), dependent, hanging };
    const host = await useTestHost(t, { configFile: config.file, plugins });
    const token = await host.signIn();

    await config.write(refusal.config(config.dir));
    const res = await host.request('POST', '/api/admin/reload', { token });
    const start = await t.throwsAsync(startTestHost({ configFile: config.file, plugins: { ...plugins, probe: probePlugin(new ProbeRecorder()) } }), { instanceOf: ConfigError });

    t.is(res.status, 400, res.text);
    t.like(res.body, { success: false, code: 'CONFIG_INVALID', message: start?.message });
    t.regex(String(res.body['message']), refusal.problem);
    t.notRegex(String(res.body['message']), /    at /, 'no stack trace');
    t.true(host.logs.some((line) => line.includes('config reload refused')));
    // Untouched: the same plugins, the old probe still open, its catalog source still answering.
    t.deepEqual(await pluginNames(host, token), ['stacks', 'probe']);
    t.deepEqual(probe.events, ['setup:old']);
    t.is((await host.request('POST', '/api/catalog/sync', { token })).status, 200);
    t.deepEqual(await catalogProducts(host, token), ['com.example.alpha']);
  });
}

test('changes outside plugins and hooks are reported as needing a restart; the plugins are still set up anew', async (t) => {
  const probe = new ProbeRecorder();
  const config = await configFolder(t);
  await config.write({ plugins: [{ use: 'probe', options: { label: 'same' } }] });
  const host = await useTestHost(t, { configFile: config.file, plugins: { probe: probePlugin(probe) } });
  const token = await host.signIn();

  await config.write({
    server: { trustProxy: true },
    database: { client: 'sqlite', filename: './elsewhere.db' },
    deployments: { timeoutSeconds: 42 },
    hooks: { timeoutMs: { beforeDeploy: 1_000 } },
    plugins: [{ use: 'probe', options: { label: 'same' } }],
  });
  const res = await host.request('POST', '/api/admin/reload', { token });

  t.is(res.status, 200, res.text);
  t.deepEqual(res.body['restartRequired'], ['server.trustProxy', 'database.filename', 'deployments.timeoutSeconds']);
  t.deepEqual(res.body['plugins'], { added: [], removed: [], changed: [], unchanged: ['probe'] });
  t.is(res.body['message'], 'Config reloaded (plugins unchanged: probe). A restart is needed to apply: server.trustProxy, database.filename, deployments.timeoutSeconds.');
  t.deepEqual(probe.events, ['setup:same', 'setup:same', 'close:same']);
  t.true(host.logs.some((line) => line.includes('config changes not applied until the host restarts')));
});

test('a catalog sync running during a reload finishes on the old set, whose onClose runs only after it', async (t) => {
  const probe = new ProbeRecorder();
  const config = await configFolder(t);
  await config.write({ plugins: [{ use: 'probe', name: 'gated', options: { label: 'old', source: true } }] });
  const host = await useTestHost(t, { configFile: config.file, plugins: { probe: probePlugin(probe) } });
  const token = await host.signIn();

  const held = probe.hold();
  const sync = host.request('POST', '/api/catalog/sync', { token });
  await held;
  await config.write({ plugins: [{ use: 'probe', name: 'gated', options: { label: 'new', source: true } }] });
  const res = await host.request('POST', '/api/admin/reload', { token });
  t.is(res.status, 200, res.text);
  t.deepEqual(probe.events, ['setup:old', 'sync:old', 'sync:old', 'setup:new'], 'the old set stays open while a sync runs on it');

  probe.release();
  t.is((await sync).status, 200);
  await probe.seen('close:old');
  await host.host.catalog.sync();
  const after = probe.events.slice(4);
  t.deepEqual(after.filter((event) => event !== 'sync:new'), ['close:old'], 'syncs after the reload ask the new set only');
  t.true(after.includes('sync:new'));
});

test('POST /api/admin/reload is for signed-in administrators: 401 without a session, 403 with an API key', async (t) => {
  const config = await configFolder(t);
  await config.write({ plugins: [{ use: 'api-key-auth' }] });
  const host = await useTestHost(t, { configFile: config.file });
  const key = await host.createApiKey();

  const anonymous = await host.request('POST', '/api/admin/reload');
  t.is(anonymous.status, 401);
  t.like(anonymous.body, { success: false, code: 'AUTH_REQUIRED' });
  const withKey = await host.request('POST', '/api/admin/reload', { apiKey: key });
  t.is(withKey.status, 403);
  t.like(withKey.body, { success: false, code: 'FORBIDDEN' });
});

test('a host started without a config file answers a reload with 409', async (t) => {
  const host = await useTestHost(t);
  const res = await host.request('POST', '/api/admin/reload', { token: await host.signIn() });
  t.is(res.status, 409);
  t.like(res.body, { success: false, code: 'CONFLICT', message: 'This host was not started from a config file: there is nothing to reload.' });
});

import test, { type ExecutionContext } from 'ava';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../../../core/errors.js';
import { definePlugin, type PluginDefinition } from '../../../core/plugin-api.js';
import { runCatalogSources } from '../../../core/catalog/run-catalog-sources.js';
import { runDeployPipeline } from '../../../core/operations/run-deploy-pipeline.js';
import { calls } from '../../fixtures/plugins/recording-plugin.js';
import { samplePlan, sampleContext } from '../../support/deploy-plan-fixture.js';
import { useTestHost } from '../../support/test-host.js';

const fixtures = resolve('test/fixtures');

const startFails = async (t: ExecutionContext, config: Record<string, unknown>, plugins: Record<string, PluginDefinition> = {}) => {
  const err = await t.throwsAsync(useTestHost(t, { config, plugins, configDir: fixtures }), { instanceOf: ConfigError });
  return err?.problems ?? [];
};

test('a plugin loaded from a path relative to the config file taps every hook and is called', async (t) => {
  const host = await useTestHost(t, { configDir: fixtures, config: { plugins: [{ use: './plugins/recording-plugin.ts', name: 'rec-a' }] } });
  const atStart = calls.filter((c) => c.startsWith('rec-a:'));
  t.deepEqual(atStart, ['rec-a:catalogSource'], 'the host syncs its catalog sources at start');
  await host.request('GET', '/api/anything');
  const { plan } = await runDeployPipeline(host.hooks, samplePlan(), sampleContext());
  await host.host.plugins.settled();
  const sources = await runCatalogSources(host.hooks, new Map(), new AbortController().signal);
  const mine = calls.filter((c) => c.startsWith('rec-a:')).slice(atStart.length);
  t.deepEqual(mine, ['rec-a:authenticate', 'rec-a:beforeDeploy', 'rec-a:deploy', 'rec-a:afterDeploy', 'rec-a:catalogSource']);
  t.is(plan.labels['recorded-by'], 'rec-a');
  t.true(sources.has('rec-a'));
  t.deepEqual(host.host.plugins.plugins.map((p) => [p.name, p.origin, p.version]), [['rec-a', 'path', '1.2.3']]);
});

test('the same plugin runs twice under two instance names', async (t) => {
  const host = await useTestHost(t, {
    configDir: fixtures,
    config: { plugins: [{ use: './plugins/recording-plugin.ts', name: 'twin-a' }, { use: './plugins/recording-plugin.ts', name: 'twin-b' }] },
  });
  const sources = await runCatalogSources(host.hooks, new Map(), new AbortController().signal);
  t.deepEqual([...sources.keys()], ['twin-a', 'twin-b']);
});

test('a plugin installed as a package is loaded by its name', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'rsgo-pkg-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const pkg = join(dir, 'node_modules', 'rsgo-plugin-fixture');
  await mkdir(pkg, { recursive: true });
  await symlink(resolve('node_modules/zod'), join(dir, 'node_modules', 'zod'));
  await writeFile(join(pkg, 'package.json'), JSON.stringify({ name: 'rsgo-plugin-fixture', version: '0.0.1', type: 'module', main: 'index.js' }));
  await writeFile(
    join(pkg, 'index.js'),
    "import { z } from 'zod';\nexport default { id: 'fixture', apiVersion: '1.0', version: '0.0.1', options: z.strictObject({}), setup() {} };\n",
  );
  const host = await useTestHost(t, { configDir: dir, config: { plugins: [{ use: 'rsgo-plugin-fixture' }] } });
  t.deepEqual(host.host.plugins.plugins.map((p) => [p.id, p.origin]), [['fixture', 'package']]);
});

test('a disabled plugin is not loaded at all', async (t) => {
  const host = await useTestHost(t, {
    configDir: fixtures,
    config: { plugins: [{ use: './plugins/recording-plugin.ts', name: 'off', enabled: false }, { use: 'no-such-package', enabled: false }] },
  });
  t.deepEqual(host.host.plugins.plugins, []);
});

test('an unknown plugin is refused naming its entry', async (t) => {
  const problems = await startFails(t, { plugins: [{ use: 'rsgo-plugin-that-does-not-exist' }] });
  t.regex(problems[0] ?? '', /^plugins\[0\]: unknown plugin 'rsgo-plugin-that-does-not-exist'/);
});

test('a module that is not a plugin is refused', async (t) => {
  const problems = await startFails(t, { plugins: [{ use: './plugins/not-a-plugin.ts' }] });
  t.regex(problems[0] ?? '', /plugins\[0\]: plugin '\.\/plugins\/not-a-plugin\.ts': the definition has no id/);
});

test('a plugin written for another major plugin API version is refused with a clear message', async (t) => {
  const problems = await startFails(t, { plugins: [{ use: './plugins/future-api-plugin.ts' }] });
  t.deepEqual(problems, [
    'plugins[0] (future "future"): plugin refused: it was written for plugin API 2.0, this host offers 1.5 (major versions must match)',
  ]);
});

test('bad options of several plugins are reported together before any setup runs', async (t) => {
  let setups = 0;
  const strict = definePlugin({
    id: 'strict',
    apiVersion: '1.0',
    options: z.strictObject({ url: z.string(), retries: z.number().int().default(1) }),
    setup: () => void (setups += 1),
  });
  const problems = await startFails(
    t,
    { plugins: [{ use: 'strict', name: 'one', options: { retries: 'x' } }, { use: 'strict', name: 'two', options: { url: 'u', typo: 1 } }] },
    { strict },
  );
  t.is(setups, 0);
  t.is(problems.length, 3, problems.join('\n'));
  t.true(problems.some((p) => p.startsWith('plugins[0].options.url:') && p.endsWith('(strict "one")')));
  t.true(problems.some((p) => p.startsWith('plugins[0].options.retries:')));
  t.true(problems.includes(`plugins[1].options: unknown key(s) 'typo' (strict "two")`));
});

test('a missing dependency is refused naming both plugins', async (t) => {
  const needy = definePlugin({ id: 'needy', apiVersion: '1.0', dependsOn: ['provider'], options: z.strictObject({}), setup() {} });
  const problems = await startFails(t, { plugins: [{ use: 'needy' }] }, { needy });
  t.deepEqual(problems, [`plugins[0] (needy "needy"): depends on 'provider', which must be enabled earlier in plugins`]);
});

test('a dependency enabled earlier satisfies dependsOn', async (t) => {
  const provider = definePlugin({ id: 'provider', apiVersion: '1.0', options: z.strictObject({}), setup() {} });
  const needy = definePlugin({ id: 'needy', apiVersion: '1.0', dependsOn: ['provider'], options: z.strictObject({}), setup() {} });
  const host = await useTestHost(t, { config: { plugins: [{ use: 'provider' }, { use: 'needy' }] }, plugins: { provider, needy } });
  t.is(host.host.plugins.plugins.length, 2);
});

test('duplicate instance names are refused', async (t) => {
  const problems = await startFails(t, { plugins: [{ use: './plugins/recording-plugin.ts' }, { use: './plugins/recording-plugin.ts' }] });
  t.deepEqual(problems, [
    `plugins[1] (recording "recording"): instance name 'recording' is already used by plugins[0]; give one of them another name`,
  ]);
});

test('a setup that throws stops the start and closes what was set up, in reverse order', async (t) => {
  const closed: string[] = [];
  const tidy = definePlugin({
    id: 'tidy',
    apiVersion: '1.0',
    options: z.strictObject({}),
    setup: ({ name, onClose }) => onClose(() => void closed.push(name)),
  });
  const broken = definePlugin({
    id: 'broken',
    apiVersion: '1.0',
    options: z.strictObject({}),
    setup: () => {
      throw new Error('cannot reach the thing');
    },
  });
  const problems = await startFails(
    t,
    { plugins: [{ use: 'tidy', name: 'first' }, { use: 'tidy', name: 'second' }, { use: 'broken' }] },
    { tidy, broken },
  );
  t.deepEqual(problems, ['plugins[2] (broken "broken"): setup failed: cannot reach the thing']);
  t.deepEqual(closed, ['second', 'first']);
});

test('plugins are closed in reverse setup order when the host stops', async (t) => {
  const closed: string[] = [];
  const tidy = definePlugin({
    id: 'tidy',
    apiVersion: '1.0',
    options: z.strictObject({}),
    setup: ({ name, onClose }) => onClose(() => void closed.push(name)),
  });
  const host = await useTestHost(t, { config: { plugins: [{ use: 'tidy', name: 'a' }, { use: 'tidy', name: 'b' }] }, plugins: { tidy } });
  await host.close();
  t.deepEqual(closed, ['b', 'a']);
});

test('a plugin needing a newer minor plugin API, or an apiVersion that is not MAJOR.MINOR, is refused', async (t) => {
  const newer = definePlugin({ id: 'newer', apiVersion: '1.9', options: z.strictObject({}), setup() {} });
  const sloppy = definePlugin({ id: 'sloppy', apiVersion: 'v1', options: z.strictObject({}), setup() {} });
  const problems = await startFails(t, { plugins: [{ use: 'newer' }, { use: 'sloppy' }] }, { newer, sloppy });
  t.deepEqual(problems, [
    'plugins[0] (newer "newer"): plugin refused: it needs plugin API 1.9, this host offers only 1.5',
    `plugins[1] (sloppy "sloppy"): plugin refused: its apiVersion 'v1' is not MAJOR.MINOR (this host offers 1.5)`,
  ]);
});

test("an instance's own timeoutMs overrides the hook's deadline for that instance only", async (t) => {
  const slow = definePlugin({
    id: 'slow',
    apiVersion: '1.0',
    options: z.strictObject({}),
    setup({ hooks }) {
      hooks.catalogSource.tap(async () => {
        await new Promise((done) => setTimeout(done, 400));
        return { files: [], read: () => Promise.reject(new Error('no files')), revision: null };
      });
    },
  });
  const host = await useTestHost(t, {
    config: { plugins: [{ use: 'slow', name: 'impatient', timeoutMs: { catalogSource: 50 } }, { use: 'slow', name: 'patient' }] },
    plugins: { slow },
  });
  const outcomes = await runCatalogSources(host.hooks, new Map(), new AbortController().signal);
  const impatient = outcomes.get('impatient');
  t.is(impatient && 'error' in impatient ? (impatient.error as { code?: string }).code : null, 'PLUGIN_TIMEOUT');
  t.true(outcomes.get('patient') !== undefined && 'result' in (outcomes.get('patient') ?? {}));
});

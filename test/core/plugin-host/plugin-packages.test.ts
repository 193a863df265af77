import test, { type ExecutionContext } from 'ava';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ConfigError } from '../../../core/errors.js';
import { ForbiddenError } from '../../../core/plugin-api.js';
import { testDeployContext, testPlan } from '../../../core/testing.js';
import { useTestHost } from '../../support/test-host.js';

/**
 * Plugins that live outside the host's folder, with no `rsgo` (nor zod) of their own: what an
 * integrator's package looks like once installed beside an operator's config file.
 */
const vetoPlugin = (id: string) => `import { definePlugin, ForbiddenError, z } from 'rsgo/plugin';
export default definePlugin({
  id: '${id}',
  apiVersion: '1.0',
  version: '0.0.1',
  options: z.strictObject({ refuse: z.string() }),
  setup({ hooks, options }) {
    hooks.beforeDeploy.tap(async (plan) => {
      if (plan.stackName.startsWith(options.refuse)) throw new ForbiddenError(\`stack '\${plan.stackName}' is refused\`, { code: 'POLICY_VETO' });
      return undefined;
    });
  },
});
`;

/** A folder outside the repository holding `files` (path → text); removed after the test. */
async function outsideFolder(t: ExecutionContext, files: Readonly<Record<string, string>>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'rsgo-outside-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

const packageJson = (name: string) => JSON.stringify({ name, version: '0.0.1', type: 'module', exports: './index.js' });

const startFails = async (t: ExecutionContext, configDir: string, use: string): Promise<readonly string[]> => {
  const err = await t.throwsAsync(useTestHost(t, { configDir, config: { plugins: [{ use }] } }), { instanceOf: ConfigError });
  return err?.problems ?? [];
};

test("a plugin by path outside the host's folder, with no rsgo of its own, gets the host's rsgo/plugin: its veto is the host's ForbiddenError", async (t) => {
  const dir = await outsideFolder(t, { 'package.json': JSON.stringify({ type: 'module' }), 'plugins/policy.js': vetoPlugin('outside-policy') });
  const host = await useTestHost(t, { configDir: dir, config: { plugins: [{ use: './plugins/policy.js', options: { refuse: 'prod-' } }] } });
  t.deepEqual(host.host.plugins.plugins.map((plugin) => [plugin.id, plugin.origin]), [['outside-policy', 'path']]);
  const plan = testPlan({ stackName: 'prod-shop' });
  const err = await t.throwsAsync(host.hooks.beforeDeploy.promise(plan, testDeployContext({ plan }).context), { instanceOf: ForbiddenError });
  t.like(err, { status: 403, code: 'POLICY_VETO', message: "stack 'prod-shop' is refused" });
});

test('a plugin package installed beside the config file, with no rsgo of its own, loads by its package name', async (t) => {
  const dir = await outsideFolder(t, {
    'package.json': JSON.stringify({ name: 'site', private: true }),
    'node_modules/rsgo-plugin-outside-policy/package.json': packageJson('rsgo-plugin-outside-policy'),
    'node_modules/rsgo-plugin-outside-policy/index.js': vetoPlugin('outside-policy'),
  });
  const host = await useTestHost(t, { configDir: dir, config: { plugins: [{ use: 'rsgo-plugin-outside-policy', options: { refuse: 'x' } }] } });
  t.deepEqual(host.host.plugins.plugins.map((plugin) => [plugin.id, plugin.origin, plugin.version]), [['outside-policy', 'package', '0.0.1']]);
});

test('a package that is not installed is reported as such, with the command that installs it', async (t) => {
  const dir = await outsideFolder(t, {});
  const [problem] = await startFails(t, dir, 'rsgo-plugin-nowhere');
  t.regex(problem ?? '', /^plugins\[0\]: unknown plugin 'rsgo-plugin-nowhere': not a built-in \(.*api-key-auth.*\) and no package of that name is installed beside the host or the config file \(npm install rsgo-plugin-nowhere\)$/);
});

test("an installed package whose own import fails is reported with that failure, never as 'not installed'", async (t) => {
  const dir = await outsideFolder(t, {
    'node_modules/rsgo-plugin-broken/package.json': packageJson('rsgo-plugin-broken'),
    'node_modules/rsgo-plugin-broken/index.js': "import { send } from 'rsgo-mailer-that-is-missing';\nexport default send;\n",
  });
  const [problem] = await startFails(t, dir, 'rsgo-plugin-broken');
  t.regex(problem ?? '', /^plugins\[0\]: plugin 'rsgo-plugin-broken' was found \(.*node_modules\/rsgo-plugin-broken\/index\.js\) but its own import failed: Cannot find package 'rsgo-mailer-that-is-missing'/);
  t.false(problem?.includes('not installed') ?? true);
});

test('a plugin file that fails to load is reported with its error; a path with no file says so', async (t) => {
  const dir = await outsideFolder(t, { 'package.json': JSON.stringify({ type: 'module' }), 'plugins/typo.js': 'export default definePlugin({ id: "typo", ;\n' });
  const [broken] = await startFails(t, dir, './plugins/typo.js');
  t.regex(broken ?? '', /^plugins\[0\]: plugin '\.\/plugins\/typo\.js' was found \(.*plugins\/typo\.js\) but its own import failed: /);
  const [missing] = await startFails(t, dir, './plugins/absent.js');
  t.is(missing, `plugins[0]: cannot load plugin './plugins/absent.js': there is no file ${join(dir, 'plugins/absent.js')}`);
});

test('a package whose entry file is missing (not built) is reported as unresolvable, not as missing', async (t) => {
  const dir = await outsideFolder(t, { 'node_modules/rsgo-plugin-unbuilt/package.json': JSON.stringify({ name: 'rsgo-plugin-unbuilt', type: 'module', exports: './dist/index.js' }) });
  const [problem] = await startFails(t, dir, 'rsgo-plugin-unbuilt');
  t.regex(problem ?? '', /^plugins\[0\]: plugin package 'rsgo-plugin-unbuilt' is installed but cannot be resolved: /);
});

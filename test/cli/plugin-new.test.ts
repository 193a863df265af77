import test from 'ava';
import { join } from 'node:path';
import { ForbiddenError } from '../../core/plugin-api.js';
import { testDeployContext, testPlan, type PluginView } from '../../core/testing.js';
import { scaffoldHooks } from '../../cli/plugin-scaffold.js';
import { installBesideConfig, npm, npmPack, releaseHost, type ReleasedHost } from '../support/released-host.js';
import { useTestHost } from '../support/test-host.js';

let released: Promise<ReleasedHost>;

test.before(() => {
  released = releaseHost();
});

test.after.always(async () => {
  await (await released.catch(() => null))?.remove();
});

/** `rsgo plugin new` in an empty folder, then `npm install` and `npm test` there, offline. */
async function scaffoldAndTest(release: ReleasedHost, packageName: string, hook: string): Promise<{ folder: string; testOutput: string }> {
  const { stdout } = await release.rsgo(release.workDir, 'plugin', 'new', packageName, '--hook', hook, '--json');
  const { folder } = JSON.parse(stdout) as { folder: string };
  await npm(folder, 'install');
  return { folder, testOutput: await npm(folder, 'test') };
}

test('from an empty folder: rsgo plugin new, npm install, npm test, npm pack, npm install <tarball> beside a config; the host loads it by package name and its veto works', async (t) => {
  const release = await released;
  const { folder, testOutput } = await scaffoldAndTest(release, 'rsgo-plugin-registry-policy', 'beforeDeploy');
  t.is(folder, join(release.workDir, 'rsgo-plugin-registry-policy'));
  t.regex(testOutput, /1 test passed/);
  const { tarball, files } = await npmPack(folder, release.workDir);
  t.deepEqual(files, ['README.md', 'dist/index.d.ts', 'dist/index.js', 'package.json']);
  const siteDir = await installBesideConfig(release.workDir, tarball);

  const host = await useTestHost(t, {
    configDir: siteDir,
    config: { plugins: [{ use: 'api-key-auth' }, { use: 'rsgo-plugin-registry-policy', options: { allowedRegistries: ['127.0.0.1:5000'] } }] },
  });
  const plugins = (await host.request('GET', '/api/plugins', { token: await host.signIn() })).body['plugins'] as PluginView[];
  t.like(plugins.find((plugin) => plugin.id === 'registry-policy'), { name: 'registry-policy', origin: 'package', version: '0.1.0', hooks: ['beforeDeploy'] });

  const foreign = testPlan({ services: { web: { image: 'docker.io/library/nginx:1.27' } } });
  const veto = await t.throwsAsync(host.hooks.beforeDeploy.promise(foreign, testDeployContext({ plan: foreign }).context), { instanceOf: ForbiddenError });
  t.like(veto, { status: 403, code: 'REGISTRY_NOT_ALLOWED' });
  const local = testPlan({ services: { web: { image: '127.0.0.1:5000/web:1' } } });
  const amended = await host.hooks.beforeDeploy.promise(local, testDeployContext({ plan: local }).context);
  t.is(amended.labels['policy.checked'], 'true');
});

for (const hook of scaffoldHooks.filter((name) => name !== 'beforeDeploy')) {
  test(`the ${hook} scaffold installs and passes its own test offline`, async (t) => {
    const release = await released;
    const { testOutput } = await scaffoldAndTest(release, `rsgo-plugin-new-${hook.toLowerCase()}`, hook);
    t.regex(testOutput, new RegExp(`its ${hook} tap does its work in a real host`));
    t.regex(testOutput, /1 test passed/);
  });
}

test('rsgo plugin new refuses a folder that is not empty and an unknown hook', async (t) => {
  const release = await released;
  const usage = await t.throwsAsync(release.rsgo(release.workDir, 'plugin', 'new', 'rsgo-plugin-x', '--hook', 'onDeploy'));
  t.regex(String((usage as { stderr?: string } | undefined)?.stderr), /Invalid --hook 'onDeploy': expected one of catalogSource, beforeDeploy, afterDeploy, authenticate, deploy\./);
  const taken = await t.throwsAsync(release.rsgo(release.workDir, 'plugin', 'new', 'rsgo-plugin-y', '--hook', 'deploy', '--dir', '.'));
  t.regex(String((taken as { stderr?: string } | undefined)?.stderr), /is not empty: choose another --dir/);
});

import test from 'ava';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ForbiddenError } from '../../../core/plugin-api.js';
import { testDeployContext, testPlan } from '../../../core/testing.js';
import { useTestHost } from '../../support/test-host.js';

/**
 * The compatibility promise (docs/plugins.md, "Compatibility"), kept by a test: a package built
 * against plugin API 1.0, frozen in test/fixtures/plugin-api-1.0, loads and works in this host.
 */
test('a plugin package built against plugin API 1.0 loads by name and each of its taps works', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'rsgo-compat-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await cp(resolve('test/fixtures/plugin-api-1.0'), join(dir, 'node_modules/rsgo-plugin-compat'), { recursive: true });
  const host = await useTestHost(t, { configDir: dir, config: { plugins: [{ use: 'rsgo-plugin-compat', options: { token: 'compat-secret-token' } }] } });
  t.like(host.host.plugins.plugins[0], { id: 'compat', apiVersion: '1.0', origin: 'package', version: '1.0.0' });

  // authenticate and catalogSource: a pipeline syncs through the webhook with its credentials.
  const synced = await host.request('POST', '/api/hooks/sync-sources', { headers: { 'x-compat-token': 'compat-secret-token' } });
  t.is(synced.status, 200, synced.text);
  t.like(synced.body, { success: true, stacksLoaded: 1 });

  // beforeDeploy: amends, and vetoes with the host's own error class.
  const plan = testPlan({ environment: { type: 'compat' } });
  const amended = await host.hooks.beforeDeploy.promise(plan, testDeployContext({ plan }).context);
  t.is(amended.labels['compat.seen'], 'yes');
  const blocked = testPlan({ stackName: 'blocked-shop' });
  await t.throwsAsync(host.hooks.beforeDeploy.promise(blocked, testDeployContext({ plan: blocked }).context), { instanceOf: ForbiddenError, message: 'blocked by compat' });

  // deploy and afterDeploy.
  const { context, progress } = testDeployContext({ plan: amended });
  t.deepEqual(await host.hooks.deploy.promise(amended, context), { runtime: 'compat', services: [] });
  t.deepEqual(progress, [{ service: null, step: 'create', message: 'compat runtime' }]);
  await host.hooks.afterDeploy.promise({ plan: amended, success: true, result: { runtime: 'compat', services: [] }, error: null, durationMs: 1 }, context);
  await host.host.plugins.settled();
  t.true(host.logs.some((line) => line.includes('"msg":"compat heard"') && line.includes(`"stack":"${amended.stackName}"`)));
});

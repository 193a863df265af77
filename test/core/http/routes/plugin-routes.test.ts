import test from 'ava';
import { resolve } from 'node:path';
import { z } from 'zod';
import { runDeployPipeline } from '../../../../core/operations/run-deploy-pipeline.js';
import { ForbiddenError, definePlugin } from '../../../../core/plugin-api.js';
import type { PluginView } from '../../../../core/testing.js';
import { samplePlan, sampleContext } from '../../../support/deploy-plan-fixture.js';
import { useTestHost } from '../../../support/test-host.js';

/** Vetoes plans of stack `frozen`, fails on stack `broken`, passes the rest. */
const gate = definePlugin({
  id: 'gate',
  apiVersion: '1.0',
  version: '2.0.1',
  options: z.strictObject({}),
  setup({ hooks }) {
    hooks.beforeDeploy.tap(async (plan) => {
      if (plan.stackName === 'frozen') throw new ForbiddenError('Deploys are frozen.');
      if (plan.stackName === 'broken') throw new Error('policy store unreachable');
      return undefined;
    });
  },
});

const runtime = definePlugin({
  id: 'test-runtime',
  apiVersion: '1.0',
  options: z.strictObject({}),
  setup({ hooks, name }) {
    hooks.deploy.tap(async () => ({ runtime: name, services: [] }));
  },
});

test('GET /api/plugins lists every loaded plugin in config order with identity, hooks and health', async (t) => {
  const host = await useTestHost(t, {
    configDir: resolve('test/fixtures'),
    config: { plugins: [{ use: 'api-key-auth' }, { use: './plugins/recording-plugin.ts', name: 'rec' }, { use: 'gate' }, { use: 'test-runtime' }] },
    plugins: { gate, 'test-runtime': runtime },
  });
  const res = await host.request('GET', '/api/plugins', { token: await host.signIn() });
  t.is(res.status, 200, res.text);
  const plugins = res.body['plugins'] as PluginView[];
  t.deepEqual(
    plugins.map(({ id, name, version, apiVersion, origin, hooks }) => ({ id, name, version, apiVersion, origin, hooks })),
    [
      { id: 'api-key-auth', name: 'api-key-auth', version: '1.0.0', apiVersion: '1.3', origin: 'builtin', hooks: ['authenticate'] },
      { id: 'recording', name: 'rec', version: '1.2.3', apiVersion: '1.0', origin: 'path', hooks: ['authenticate', 'beforeDeploy', 'deploy', 'afterDeploy', 'catalogSource'] },
      { id: 'gate', name: 'gate', version: '2.0.1', apiVersion: '1.0', origin: 'builtin', hooks: ['beforeDeploy'] },
      { id: 'test-runtime', name: 'test-runtime', version: null, apiVersion: '1.0', origin: 'builtin', hooks: ['deploy'] },
    ],
  );
  t.true(plugins.every((plugin) => plugin.failures === 0 && plugin.lastError === null));
});

test('GET /api/plugins counts calls and failures; a deliberate refusal is not a failure', async (t) => {
  const host = await useTestHost(t, { config: { plugins: [{ use: 'gate' }, { use: 'test-runtime' }] }, plugins: { gate, 'test-runtime': runtime } });
  await runDeployPipeline(host.hooks, samplePlan({ stackName: 'fine' }), sampleContext());
  await t.throwsAsync(runDeployPipeline(host.hooks, samplePlan({ stackName: 'frozen' }), sampleContext()), { instanceOf: ForbiddenError });
  await t.throwsAsync(runDeployPipeline(host.hooks, samplePlan({ stackName: 'broken' }), sampleContext()));

  const res = await host.request('GET', '/api/plugins', { token: await host.signIn() });
  const [view, runtimeView] = res.body['plugins'] as PluginView[];
  t.like(view, { name: 'gate', calls: 3, failures: 1, lastError: { hook: 'beforeDeploy', message: "Plugin 'gate' failed in hook 'beforeDeploy': policy store unreachable" } });
  t.regex(view?.lastError?.at ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  t.like(runtimeView, { name: 'test-runtime', calls: 1, failures: 0, lastError: null });
});

test('GET /api/plugins is for signed-in operators only', async (t) => {
  const host = await useTestHost(t, { config: { plugins: [{ use: 'api-key-auth' }] } });
  const anonymous = await host.request('GET', '/api/plugins');
  t.is(anonymous.status, 401);
  const withKey = await host.request('GET', '/api/plugins', { apiKey: await host.createApiKey() });
  t.is(withKey.status, 403);
  t.is(withKey.body['message'], 'API keys cannot call the management API.');
});

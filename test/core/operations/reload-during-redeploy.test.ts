import test from 'ava';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { catalogFolder } from '../../support/catalog-folder.js';
import { docker } from '../../support/docker-cli.js';
import { idleCommand, removeEnvironmentResources } from '../../support/deploy-host.js';
import { testImages } from '../../support/test-images.js';
import { useTestHost } from '../../support/test-host.js';
import { probePlugin, ProbeRecorder } from '../../fixtures/plugins/reload-probe.js';

const images = testImages('reload-redeploy');

/** The config of a host deploying to the real engine from `catalog`, with the probe labelled `label` last. */
const hostConfig = (catalog: string, label: string) => ({
  // Generous bounds: the engine is slow on a loaded machine, and the probe holds a beforeDeploy.
  deployments: { timeoutSeconds: 300, lockWaitSeconds: 300, leaseSeconds: 5 },
  hooks: { timeoutMs: { beforeDeploy: 300_000 } },
  plugins: [
    { use: 'api-key-auth' },
    { use: 'docker-runtime', options: { stopTimeoutSeconds: 2 } },
    { use: 'local-directory-source', name: 'stacks', options: { path: catalog } },
    { use: 'probe', options: { label } },
  ],
});

test('a redeploy in flight during a reload finishes on the old plugin set and succeeds; the old set closes after it', async (t) => {
  const image = await images.push('web');
  const dir = await catalogFolder(t, {
    'stacks/web.yaml': `metadata: { name: Web, productId: com.example.reload-web, productVersion: "1.0.0" }
services:
  app:
    image: ${image.ref}
    command: ${idleCommand()}
`,
  });
  const file = join(dir, 'rsgo.yaml');
  const writeConfig = (label: string) => writeFile(file, JSON.stringify(hostConfig(join(dir, 'stacks'), label)));
  await writeConfig('old');
  const probe = new ProbeRecorder();
  const host = await useTestHost(t, { configFile: file, plugins: { probe: probePlugin(probe) } });
  const token = await host.signIn();
  const environment = (await host.host.environments.list()).find((e) => e.isDefault);
  if (!environment) throw new Error('no default environment');
  t.teardown(() => removeEnvironmentResources(environment.id));
  const stackName = `reload-${randomBytes(4).toString('hex')}`;
  const deployed = await host.request('POST', '/api/deployments', { token, body: { environmentId: environment.id, stackName, productId: 'com.example.reload-web' } });
  t.is(deployed.status, 201, deployed.text);
  await host.host.plugins.settled();
  const before = await docker('container', 'inspect', '--format', '{{.Id}}', `${stackName}_app`);
  const apiKey = await host.createApiKey(['Hooks.Redeploy']);

  // The redeploy waits in the old probe's beforeDeploy while the config is reloaded.
  const held = probe.hold();
  const redeploy = host.request('POST', '/api/hooks/redeploy', { apiKey, body: { stackName, environmentId: environment.id } });
  await held;
  await writeConfig('new');
  const reload = await host.request('POST', '/api/admin/reload', { token });
  t.is(reload.status, 200, reload.text);
  t.deepEqual(reload.body['plugins'], { added: [], removed: [], changed: ['probe'], unchanged: ['api-key-auth', 'docker-runtime', 'stacks'] });
  t.false(probe.events.includes('close:old'), 'the old set stays open while the redeploy runs on it');

  probe.release();
  const answered = await redeploy;
  t.is(answered.status, 200, answered.text);
  t.like(answered.body, { success: true, stackName });
  t.not(await docker('container', 'inspect', '--format', '{{.Id}}', `${stackName}_app`), before, 'the container was replaced');
  await probe.seen('close:old');
  // The old probe saw the redeploy through (afterDeploy too) before its set closed; the new one saw none of it.
  const redeployEvents = probe.events.slice(probe.events.lastIndexOf('before:old'));
  t.deepEqual(redeployEvents.filter((event) => event.endsWith(':old')), ['before:old', 'after:old', 'close:old']);
  t.false(probe.events.includes('before:new'));

  // A redeploy after the reload runs on the new set, through the new Docker runtime and key authenticator.
  const again = await host.request('POST', '/api/hooks/redeploy', { apiKey, body: { stackName, environmentId: environment.id } });
  t.is(again.status, 200, again.text);
  await host.host.plugins.settled();
  t.deepEqual(probe.events.slice(probe.events.indexOf('close:old') + 1), ['before:new', 'after:new']);
  const plugins = await host.request('GET', '/api/plugins', { token });
  t.like((plugins.body['plugins'] as Array<Record<string, unknown>>).find((plugin) => plugin['name'] === 'docker-runtime'), { calls: 1 });
});

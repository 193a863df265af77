import test from 'ava';
import { randomBytes } from 'node:crypto';
import type { PluginView } from '../../core/testing.js';
import { productManifest, startIndexServer } from '../../examples/http-index-source/test/index-server.js';
import { containersLabelled, idleCommand, removeEnvironmentResources } from '../support/deploy-host.js';
import { installExamplePlugin, type InstalledPlugin } from '../support/installed-example-plugin.js';
import { testImages } from '../support/test-images.js';
import { useTestHost } from '../support/test-host.js';

const images = testImages('examples-http-index-source');
let installed: Promise<InstalledPlugin>;

test.before(() => {
  installed = installExamplePlugin();
});

test.after.always(async () => {
  await (await installed.catch(() => null))?.remove();
});

test('outside this repository, the example installs and passes its own tests with plain npm, offline', async (t) => {
  const { testOutput } = await installed;
  t.regex(testOutput, /\d+ tests? passed/);
  t.notRegex(testOutput, /failed/);
});

test('the packed example plugin holds only its compiled code, declarations, README and package.json', async (t) => {
  const { packedFiles } = await installed;
  t.true(packedFiles.includes('dist/index.js') && packedFiles.includes('dist/index.d.ts'));
  t.deepEqual(
    packedFiles.filter((file) => !/^dist\/[a-z-]+\.(js|d\.ts)$/.test(file)),
    ['README.md', 'package.json'],
  );
});

test('an operator enables the installed package by name; a sync through the webhook counts its stacks and one of them deploys', async (t) => {
  const { siteDir } = await installed;
  const image = await images.push('app');
  const server = await startIndexServer();
  t.teardown(() => server.close());
  server.publish({
    'shop.yaml': `metadata:\n  name: Shop\n  productId: com.example.shop\n  productVersion: "1.0.0"\nservices:\n  app:\n    image: ${image.ref}\n    command: ${idleCommand()}\n`,
    'tools/echo.yaml': productManifest('echo', '2.1.0'),
  });
  server.index(['shop.yaml', 'tools/echo.yaml'], 'r1');

  const host = await useTestHost(t, {
    configDir: siteDir,
    config: {
      // Generous bounds: the engine is slow on a loaded machine.
      deployments: { timeoutSeconds: 300, lockWaitSeconds: 300, leaseSeconds: 5 },
      plugins: [
        { use: 'api-key-auth' },
        { use: 'docker-runtime', options: { stopTimeoutSeconds: 2 } },
        { use: 'rsgo-plugin-http-index-source', name: 'published', options: { url: server.indexUrl } },
      ],
    },
  });
  const environment = (await host.host.environments.list()).find((candidate) => candidate.isDefault);
  if (!environment) return t.fail('no default environment');
  t.teardown(() => removeEnvironmentResources(environment.id));
  const token = await host.signIn();
  const plugins = (await host.request('GET', '/api/plugins', { token })).body['plugins'] as PluginView[];
  t.like(plugins.find((plugin) => plugin.name === 'published'), { id: 'http-index-source', version: '0.1.0', origin: 'package', hooks: ['catalogSource'] });

  const apiKey = await host.createApiKey(['Hooks.SyncSources']);
  const synced = await host.request('POST', '/api/hooks/sync-sources', { apiKey });
  t.is(synced.status, 200, synced.text);
  t.like(synced.body, { success: true, sourcesSynced: 1, stacksLoaded: 2 });

  const stackName = `published-shop-${randomBytes(4).toString('hex')}`;
  const deployed = await host.request('POST', '/api/deployments', { token, body: { environmentId: environment.id, stackName, productId: 'com.example.shop' } });
  t.is(deployed.status, 201, deployed.text);
  t.like(deployed.body, { success: true, stackName, stackVersion: '1.0.0', status: 'Running' });
  t.deepEqual(await containersLabelled('rsgo.deployment', String(deployed.body['deploymentId'])), [`${stackName}_app running`]);
});

import test from 'ava';
import type { PluginView } from '../../core/testing.js';
import { productManifest, startIndexServer } from '../../examples/http-index-source/test/index-server.js';
import { installExamplePlugin, type InstalledPlugin } from '../support/installed-example-plugin.js';
import { useTestHost } from '../support/test-host.js';

let installed: Promise<InstalledPlugin>;

test.before(() => {
  installed = installExamplePlugin();
});

test.after.always(async () => {
  await (await installed.catch(() => null))?.remove();
});

test('the packed example plugin holds only its compiled code, declarations, README and package.json', async (t) => {
  const { packedFiles } = await installed;
  t.true(packedFiles.includes('dist/index.js') && packedFiles.includes('dist/index.d.ts'));
  t.deepEqual(
    packedFiles.filter((file) => !/^dist\/[a-z-]+\.(js|d\.ts)$/.test(file)),
    ['README.md', 'package.json'],
  );
});

test('an operator enables the installed package by name, and a sync through the webhook counts its stacks', async (t) => {
  const { siteDir } = await installed;
  const server = await startIndexServer();
  t.teardown(() => server.close());
  server.publish({ 'whoami.yaml': productManifest('whoami', '1.0.0'), 'tools/echo.yaml': productManifest('echo', '2.1.0') });
  server.index(['whoami.yaml', 'tools/echo.yaml'], 'r1');

  const host = await useTestHost(t, {
    configDir: siteDir,
    config: { plugins: [{ use: 'api-key-auth' }, { use: 'rsgo-plugin-http-index-source', name: 'published', options: { url: server.indexUrl } }] },
  });
  const token = await host.signIn();
  const plugins = (await host.request('GET', '/api/plugins', { token })).body['plugins'] as PluginView[];
  t.like(plugins.find((plugin) => plugin.name === 'published'), { id: 'http-index-source', version: '0.1.0', origin: 'package', hooks: ['catalogSource'] });

  const apiKey = await host.createApiKey(['Hooks.SyncSources']);
  const res = await host.request('POST', '/api/hooks/sync-sources', { apiKey });
  t.is(res.status, 200, res.text);
  t.like(res.body, { success: true, sourcesSynced: 1, stacksLoaded: 2 });
});

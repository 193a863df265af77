import test from 'ava';
import { loadConfig } from '../../core/config/load-config.js';
import { mergeVariableDefinitions, resolveVariables } from '../../core/manifests/validate-variables.js';
import { useTestHost } from '../support/test-host.js';

test('The default config loads the shipped example catalog without a single warning', async (t) => {
  const { config, configDir } = await loadConfig('config/rsgo.yaml', {});
  const sources = config.plugins.filter((entry) => entry.use === 'local-directory-source');
  t.true(sources.length > 0, 'the default config has the example catalog');
  const host = await useTestHost(t, { configDir, config: { plugins: sources } });
  const report = await host.host.catalog.sync();

  t.deepEqual(report, { success: true, sourcesSynced: 1, stacksLoaded: 2, errors: [], warnings: [] });
  const whoami = host.host.catalog.find('io.rsgo.examples.whoami');
  const wiki = host.host.catalog.find('io.rsgo.examples.wiki');
  t.deepEqual(whoami?.manifest.stacks.map((stack) => stack.name), ['whoami']);
  t.deepEqual(wiki?.manifest.stacks.map((stack) => stack.name), ['Database', 'App']);
  t.deepEqual(wiki?.manifest.sharedVariables.map((variable) => variable.name), ['DB_NAME', 'DB_USER', 'DB_PASSWORD']);
});

test('The example products need nothing but a database password: every other variable has a valid default', async (t) => {
  const { config, configDir } = await loadConfig('config/rsgo.yaml', {});
  const host = await useTestHost(t, { configDir, config: { plugins: config.plugins.filter((entry) => entry.use === 'local-directory-source') } });
  const products = ['io.rsgo.examples.whoami', 'io.rsgo.examples.wiki'].map((id) => host.host.catalog.find(id));
  for (const product of products) {
    for (const stack of product?.manifest.stacks ?? []) {
      const definitions = mergeVariableDefinitions(product?.manifest.sharedVariables ?? [], stack.variables);
      const { problems } = resolveVariables(definitions, [{ DB_PASSWORD: 'a-long-enough-password' }]);
      t.deepEqual(problems, [], `${product?.name} / ${stack.name}`);
    }
  }
  const wiki = products[1];
  const { problems } = resolveVariables(wiki?.manifest.sharedVariables ?? [], [{}]);
  t.deepEqual(problems.map((problem) => problem.name), ['DB_PASSWORD'], 'the password has no default');
});

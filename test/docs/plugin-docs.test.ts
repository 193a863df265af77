import test from 'ava';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { hookNames } from '../../core/hooks/host-hooks.js';
import * as pluginApi from '../../core/plugin-api.js';
import { builtinPlugins } from '../../plugins/builtin-plugins.js';
import httpIndexSource from '../../examples/http-index-source/src/index.js';

const guide = readFile('docs/plugins.md', 'utf8');

/** The backticked names in the first column of the table under `## Options`. */
function documentedOptions(readme: string): string[] {
  const section = readme.split(/^## /m).find((part) => part.startsWith('Options'));
  if (section === undefined) return [];
  return [...section.matchAll(/^\| `([^`]+)` \|/gm)].map((match) => match[1] ?? '');
}

/** The top-level option names of a plugin's schema. */
function optionNames(schema: z.ZodType): string[] {
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

test('the plugin guide documents every hook in its reference table', async (t) => {
  const text = await guide;
  for (const hook of hookNames) t.regex(text, new RegExp(`^\\| \`${hook}\` \\| Async`, 'm'), hook);
});

test('the plugin guide states the plugin API version this host offers', async (t) => {
  t.true((await guide).includes(`This host offers plugin\nAPI **${pluginApi.PLUGIN_API_VERSION}**`));
});

test('the plugin guide lists every error class a plugin can throw', async (t) => {
  const text = await guide;
  const errorClasses = Object.entries(pluginApi)
    .filter(([name, value]) => typeof value === 'function' && value.prototype instanceof pluginApi.HostError && name !== 'HostError')
    .map(([name]) => name);
  t.true(errorClasses.length >= 10);
  for (const name of errorClasses) t.regex(text, new RegExp(`^\\| \`${name}\` \\| \\d{3} \\|`, 'm'), name);
});

for (const plugin of Object.values(builtinPlugins)) {
  test(`the built-in ${plugin.id} has a README whose options table names exactly its options`, async (t) => {
    const readme = await readFile(`plugins/${plugin.id}/README.md`, 'utf8');
    t.deepEqual(documentedOptions(readme).sort(), optionNames(plugin.options).sort());
  });
}

test('the example plugin README options table names exactly its options', async (t) => {
  const readme = await readFile('examples/http-index-source/README.md', 'utf8');
  t.deepEqual(documentedOptions(readme).sort(), optionNames(httpIndexSource.options).sort());
});

import { register } from 'node:module';

let provided = false;

/**
 * Makes every `import ... from 'rsgo/plugin'` in this process load the host's own plugin API,
 * before the first plugin is imported. A plugin installed anywhere (by path, beside the config
 * file, from a tarball) then needs no copy of `rsgo` of its own, and its classes, `z` and
 * helpers are the host's: one copy for every plugin. Plugins are ES modules: `require` does not
 * pass these hooks.
 */
export function providePluginApi(): void {
  if (provided) return;
  provided = true;
  register(import.meta.resolve('./plugin-api-hooks.js'), { data: { pluginApiUrl: import.meta.resolve('../plugin-api.js') } });
}

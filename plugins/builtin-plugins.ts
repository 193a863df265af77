import type { PluginDefinition } from '../core/plugin-api.js';

/** The plugins that ship with the host, by id. They use only the public plugin API. */
export const builtinPlugins: Readonly<Record<string, PluginDefinition>> = {};

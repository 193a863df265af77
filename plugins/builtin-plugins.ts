import type { PluginDefinition } from '../core/plugin-api.js';
import apiKeyAuth from './api-key-auth/index.js';

/** The plugins that ship with the host, by id. They use only the public plugin API. */
export const builtinPlugins: Readonly<Record<string, PluginDefinition>> = {
  [apiKeyAuth.id]: apiKeyAuth,
};

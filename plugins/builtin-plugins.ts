import type { PluginDefinition } from '../core/plugin-api.js';
import apiKeyAuth from './api-key-auth/index.js';
import dockerRuntime from './docker-runtime/index.js';
import gitSource from './git-source/index.js';
import localDirectorySource from './local-directory-source/index.js';
import swarmRuntime from './swarm-runtime/index.js';
import webhookNotifier from './webhook-notifier/index.js';

/** The plugins that ship with the host, by id. They use only the public plugin API. */
export const builtinPlugins: Readonly<Record<string, PluginDefinition>> = {
  [apiKeyAuth.id]: apiKeyAuth,
  [dockerRuntime.id]: dockerRuntime,
  [swarmRuntime.id]: swarmRuntime,
  [localDirectorySource.id]: localDirectorySource,
  [gitSource.id]: gitSource,
  [webhookNotifier.id]: webhookNotifier,
};

import type { PluginGeneration } from '../hooks/current-plugins.js';
import { createHostHooks, type HostHooks } from '../hooks/host-hooks.js';
import type { HookTimeouts } from '../hooks/plugin-hooks.js';
import { RuntimeRegistry } from '../hooks/runtime-registry.js';
import { loadPlugins, type LoadPluginsOptions, type PluginSet } from './plugin-loader.js';

/** The plugins of one config, set up on hooks and a runtime registry of their own. */
export interface LoadedPluginSet extends PluginGeneration {
  readonly plugins: PluginSet;
  /** The hook deadlines its taps were set up with. */
  readonly timeouts: LoadPluginsOptions['timeouts'];
}

export interface LoadPluginSetOptions extends Omit<LoadPluginsOptions, 'hooks' | 'runtimes'> {
  /** Taps the core's own handlers (the session authenticator) first, before any plugin. */
  readonly tapCore: (hooks: HostHooks, timeouts: HookTimeouts) => void;
}

/**
 * Loads the configured plugins onto fresh hooks and a fresh runtime registry: at start, and for
 * each reload, whose set replaces the one in use only once all of it was set up.
 */
export async function loadPluginSet(options: LoadPluginSetOptions): Promise<LoadedPluginSet> {
  const { tapCore, ...rest } = options;
  const hooks = createHostHooks();
  const runtimes = new RuntimeRegistry();
  tapCore(hooks, options.timeouts);
  const plugins = await loadPlugins({ ...rest, hooks, runtimes });
  return { hooks, runtimes, plugins, timeouts: options.timeouts, close: () => plugins.close() };
}

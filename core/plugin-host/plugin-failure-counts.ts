import type { PluginFailureCount } from '../metrics/host-metrics.js';
import type { LoadedPlugin } from './plugin-loader.js';

/** Each loaded plugin's failures in every hook it taps (0 included), for `rsgo_plugin_failures_total`. */
export function* pluginFailureCounts(plugins: readonly LoadedPlugin[]): Iterable<PluginFailureCount> {
  for (const { name, stats } of plugins) {
    for (const hook of stats.hooks) yield { plugin: name, hook, failures: stats.failuresByHook.get(hook) ?? 0 };
  }
}

import Router from '@koa/router';
import { hookNames, type HostHooks } from '../../hooks/host-hooks.js';
import { requireUser } from '../authorize.js';
import type { RequestState } from '../request-state.js';
import type { LoadedPlugin } from '../../plugin-host/plugin-loader.js';

/** One plugin instance as `GET /api/plugins` shows it. */
export interface PluginView {
  readonly id: string;
  readonly name: string;
  readonly version: string | null;
  readonly apiVersion: string;
  readonly origin: LoadedPlugin['origin'];
  /** The hooks it tapped, in pipeline order. */
  readonly hooks: readonly string[];
  /** Tap calls since the host started. */
  readonly calls: number;
  /** Calls that threw a defect or timed out (a deliberate 4xx answer is not a failure). */
  readonly failures: number;
  readonly lastError: { readonly hook: string; readonly message: string; readonly at: string } | null;
}

/** A snapshot of one plugin's identity and health. */
export function pluginView(plugin: LoadedPlugin): PluginView {
  const { id, name, version, apiVersion, origin, stats } = plugin;
  return {
    id,
    name,
    version,
    apiVersion,
    origin,
    hooks: hookNames.filter((hook) => stats.hooks.has(hook)),
    calls: stats.calls,
    failures: stats.failures,
    lastError: stats.lastError,
  };
}

/**
 * `GET /api/plugins`: every plugin instance of the set in use (`plugins()`; a reload replaces
 * it) in config order, so operators can spot a sick one.
 */
export function pluginRoutes(hooks: HostHooks, plugins: () => readonly LoadedPlugin[]): Router<RequestState> {
  const router = new Router<RequestState>();
  router.get('/api/plugins', requireUser(hooks), (ctx) => {
    ctx.body = { plugins: plugins().map(pluginView) };
  });
  return router;
}

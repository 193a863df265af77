import { HostError, PluginError, errorMessage } from '../errors.js';
import type { HookName, HostHooks, PluginHooks, TapOptions } from './host-hooks.js';

/** Per-hook deadline for one tap, in milliseconds. */
export type HookTimeouts = Readonly<Record<HookName, number>>;

/** Run-time health of one plugin instance, as `GET /api/plugins` shows it. */
export interface PluginStats {
  readonly hooks: Set<HookName>;
  calls: number;
  failures: number;
  lastError: { readonly hook: HookName; readonly message: string; readonly at: string } | null;
}

export function createPluginStats(): PluginStats {
  return { hooks: new Set(), calls: 0, failures: 0, lastError: null };
}

/**
 * Runs one tap call under the plugin's name: counts it, cuts it off at the deadline, and turns
 * anything but a deliberate HostError into a PluginError naming plugin and hook.
 */
async function runTap<R>(plugin: string, hook: HookName, timeoutMs: number, stats: PluginStats, call: () => Promise<R>): Promise<R> {
  stats.calls += 1;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new PluginError(plugin, hook, `did not answer within ${timeoutMs} ms`, { code: 'PLUGIN_TIMEOUT' })),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([call(), deadline]);
  } catch (err) {
    const wrapped = err instanceof HostError ? err : new PluginError(plugin, hook, errorMessage(err), { cause: err });
    // A 4xx is the plugin answering on purpose (bad key, veto): not a sign of a sick plugin.
    if (wrapped.status >= 500) {
      stats.failures += 1;
      stats.lastError = { hook, message: wrapped.message, at: new Date().toISOString() };
    }
    throw wrapped;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The tap-only view of the hooks for one plugin instance. Every tap is named after the
 * instance, attributed on failure and bounded by the hook's timeout.
 */
export function createPluginHooks(hooks: HostHooks, plugin: string, timeouts: HookTimeouts, stats: PluginStats): PluginHooks {
  const tapOptions = (hook: HookName, options: TapOptions | undefined) => {
    stats.hooks.add(hook);
    return { name: plugin, ...(options?.stage === undefined ? {} : { stage: options.stage }) };
  };
  const guard = <R>(hook: HookName, call: () => Promise<R>) => runTap(plugin, hook, timeouts[hook], stats, call);

  const view: PluginHooks = {
    authenticate: {
      tap: (fn, options) =>
        hooks.authenticate.tapPromise(tapOptions('authenticate', options), (request) => guard('authenticate', () => fn(request))),
    },
    beforeDeploy: {
      tap: (fn, options) =>
        hooks.beforeDeploy.tapPromise(tapOptions('beforeDeploy', options), async (plan, context) => {
          const amended = await guard('beforeDeploy', () => fn(plan, context));
          return amended ?? plan;
        }),
    },
    deploy: {
      tap: (fn, options) =>
        hooks.deploy.tapPromise(tapOptions('deploy', options), (plan, context) => guard('deploy', () => fn(plan, context))),
    },
    afterDeploy: {
      tap: (fn, options) =>
        hooks.afterDeploy.tapPromise(tapOptions('afterDeploy', options), (outcome, context) =>
          guard('afterDeploy', () => fn(outcome, context)),
        ),
    },
    catalogSource: {
      // One source's failure is settled into the run, never thrown: the other sources go on.
      tap: (fn, options) =>
        hooks.catalogSource.tapPromise(tapOptions('catalogSource', options), async (run) => {
          try {
            run.settle(plugin, { result: await guard('catalogSource', () => fn(run.request(plugin))) });
          } catch (error) {
            run.settle(plugin, { error });
          }
        }),
    },
  };
  return Object.freeze(view);
}

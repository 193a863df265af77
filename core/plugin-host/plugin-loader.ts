import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { PluginEntry } from '../config/config-schema.js';
import { formatIssues } from '../config/format-issues.js';
import { ConfigError, errorMessage } from '../errors.js';
import { BackgroundTaps } from '../hooks/background-taps.js';
import { createPluginHooks, createPluginStats, timedHookNames, withDeadline, type HookTimeouts, type PluginStats, type TimedHookName } from '../hooks/plugin-hooks.js';
import type { HostHooks } from '../hooks/host-hooks.js';
import type { RuntimeRegistry } from '../hooks/runtime-registry.js';
import type { Logger } from '../logger.js';
import { PLUGIN_API_VERSION, type PluginDefinition } from './define-plugin.js';
import type { HostServices } from './host-services.js';
import { importPluginModule } from './import-plugin-module.js';

/** A plugin instance that was set up. */
export interface LoadedPlugin {
  readonly id: string;
  readonly name: string;
  readonly version: string | null;
  readonly apiVersion: string;
  /** How `use` was resolved. */
  readonly origin: 'builtin' | 'path' | 'package';
  readonly stats: PluginStats;
  /** The config entry it was set up from (a reload compares it with the new one). */
  readonly entry: PluginEntry;
}

export interface PluginSet {
  readonly plugins: readonly LoadedPlugin[];
  /** Resolves once no `afterDeploy` tap is running (they run after the caller was answered). */
  settled(): Promise<void>;
  /** Lets running `afterDeploy` taps finish, then runs every instance's teardown in reverse setup order. */
  close(): Promise<void>;
}

export interface LoadPluginsOptions {
  readonly entries: readonly PluginEntry[];
  readonly builtins: Readonly<Record<string, PluginDefinition>>;
  readonly hooks: HostHooks;
  /** Per-hook deadlines, and `setup`: how long one instance's setup may take. */
  readonly timeouts: HookTimeouts & { readonly setup: number };
  readonly configDir: string;
  readonly dataDir: string;
  readonly log: Logger;
  readonly host: HostServices;
  /** Where runtime plugins register the environment types they serve. */
  readonly runtimes: RuntimeRegistry;
}

type Resolved = { definition: PluginDefinition; origin: LoadedPlugin['origin'] };

function definitionProblems(candidate: unknown): string[] {
  if (candidate === null || typeof candidate !== 'object') return ['its default export is not a plugin definition (use definePlugin)'];
  const def = candidate as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof def['id'] !== 'string' || def['id'] === '') problems.push('the definition has no id');
  if (typeof def['apiVersion'] !== 'string') problems.push('the definition has no apiVersion');
  const options = def['options'];
  if (options === null || typeof options !== 'object' || typeof (options as { safeParse?: unknown }).safeParse !== 'function') {
    problems.push('the definition has no options schema');
  }
  if (typeof def['setup'] !== 'function') problems.push('the definition has no setup function');
  return problems;
}

/** Why a plugin written for `wanted` cannot run on this host, or null when it can. */
function apiVersionProblem(wanted: string): string | null {
  if (!/^\d+\.\d+$/.test(wanted)) return `its apiVersion '${wanted}' is not MAJOR.MINOR (this host offers ${PLUGIN_API_VERSION})`;
  const [hostMajor, hostMinor] = PLUGIN_API_VERSION.split('.').map(Number);
  const [major, minor = 0] = wanted.split('.').map(Number);
  if (major !== hostMajor) {
    return `it was written for plugin API ${wanted}, this host offers ${PLUGIN_API_VERSION} (major versions must match)`;
  }
  if (minor > (hostMinor ?? 0)) return `it needs plugin API ${wanted}, this host offers only ${PLUGIN_API_VERSION}`;
  return null;
}

async function resolveEntry(entry: PluginEntry, options: LoadPluginsOptions): Promise<Resolved | string> {
  const builtin = options.builtins[entry.use];
  if (builtin) return { definition: builtin, origin: 'builtin' };
  const loaded = await importPluginModule(entry.use, options.configDir);
  if ('problem' in loaded) return loaded.problem;
  if ('notInstalled' in loaded) {
    const known = Object.keys(options.builtins).join(', ');
    return `unknown plugin '${entry.use}': not a built-in (${known}) and no package of that name is installed beside the host or the config file (npm install ${entry.use})`;
  }
  const candidate = (loaded.module as { default?: unknown }).default;
  const problems = definitionProblems(candidate);
  if (problems.length > 0) return `plugin '${entry.use}': ${problems.join('; ')}`;
  return { definition: candidate as PluginDefinition, origin: loaded.origin };
}

/**
 * Resolves, checks and sets up the configured plugins. Every problem found before setup is
 * reported at once; a setup that throws closes what was already set up, in reverse order.
 */
export async function loadPlugins(options: LoadPluginsOptions): Promise<PluginSet> {
  const problems: string[] = [];
  const prepared: Array<{ entry: PluginEntry; index: number; resolved: Resolved; name: string; parsedOptions: unknown }> = [];
  const seenNames = new Map<string, number>();
  const earlierIds = new Set<string>();

  for (const [index, entry] of options.entries.entries()) {
    if (!entry.enabled) continue;
    const at = `plugins[${index}]`;
    const resolved = await resolveEntry(entry, options);
    if (typeof resolved === 'string') {
      problems.push(`${at}: ${resolved}`);
      continue;
    }
    const { definition } = resolved;
    const name = entry.name ?? definition.id;
    const label = `${at} (${definition.id} "${name}")`;
    const apiProblem = apiVersionProblem(definition.apiVersion);
    if (apiProblem) problems.push(`${label}: plugin refused: ${apiProblem}`);
    const clash = seenNames.get(name);
    if (clash !== undefined) {
      problems.push(`${label}: instance name '${name}' is already used by plugins[${clash}]; give one of them another name`);
    }
    seenNames.set(name, index);
    for (const dependency of definition.dependsOn ?? []) {
      if (!earlierIds.has(dependency)) problems.push(`${label}: depends on '${dependency}', which must be enabled earlier in plugins`);
    }
    earlierIds.add(definition.id);
    const parsed = definition.options.safeParse(entry.options ?? {});
    if (!parsed.success) problems.push(...formatIssues(parsed.error.issues, `${at}.options`).map((p) => `${p} (${definition.id} "${name}")`));
    prepared.push({ entry, index, resolved, name, parsedOptions: parsed.success ? parsed.data : undefined });
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const loaded: LoadedPlugin[] = [];
  const closers: Array<{ name: string; fn: () => Promise<void> | void }> = [];
  const background = new BackgroundTaps();
  const close = async () => {
    await background.settled();
    for (const closer of closers.splice(0).reverse()) {
      try {
        await closer.fn();
      } catch (err) {
        options.log.error({ plugin: closer.name, err: errorMessage(err) }, 'plugin teardown failed');
      }
    }
  };

  for (const { entry, index, resolved, name, parsedOptions } of prepared) {
    const { definition } = resolved;
    const stats = createPluginStats();
    const timeouts: Record<TimedHookName, number> = { ...options.timeouts };
    for (const hook of timedHookNames) timeouts[hook] = entry.timeoutMs?.[hook] ?? options.timeouts[hook];
    const dataDir = join(options.dataDir, 'plugins', name);
    try {
      await mkdir(dataDir, { recursive: true, mode: 0o700 });
      const setupMs = entry.timeoutMs?.setup ?? options.timeouts.setup;
      // A setup that never returns would hold the start for ever, with nothing naming the plugin.
      await withDeadline(
        async () =>
          definition.setup({
            name,
            options: parsedOptions,
            hooks: createPluginHooks(options.hooks, name, timeouts, stats, options.log, background),
            log: options.log.child({ plugin: name }),
            configDir: options.configDir,
            dataDir,
            host: options.host,
            onClose: (fn) => closers.push({ name, fn }),
            runtime: (runtime) => options.runtimes.register(name, runtime, options.log),
          }),
        setupMs,
        () => new Error(`did not finish within ${setupMs} ms (raise hooks.timeoutMs.setup or this plugin's timeoutMs.setup)`),
      );
    } catch (err) {
      await close();
      throw new ConfigError([`plugins[${index}] (${definition.id} "${name}"): setup failed: ${errorMessage(err)}`], { cause: err });
    }
    loaded.push({
      id: definition.id,
      name,
      version: definition.version ?? null,
      apiVersion: definition.apiVersion,
      origin: resolved.origin,
      stats,
      entry,
    });
  }
  return { plugins: loaded, settled: () => background.settled(), close };
}

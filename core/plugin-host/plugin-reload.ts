import { isDeepStrictEqual } from 'node:util';
import type { HostConfig } from '../config/config-schema.js';
import { UnavailableError, errorMessage } from '../errors.js';
import type { CurrentPlugins } from '../hooks/current-plugins.js';
import type { Logger } from '../logger.js';
import type { LoadedPluginSet } from './load-plugin-set.js';

/** What a reload changed, as `POST /api/admin/reload` answers it and the log records it. */
export interface ReloadSummary {
  readonly message: string;
  /**
   * Plugin instances by name: new ones, those gone, those whose entry changed, and those set up
   * again from the same entry (every instance of the new set is a new one).
   */
  readonly plugins: { readonly added: string[]; readonly removed: string[]; readonly changed: string[]; readonly unchanged: string[] };
  /** Settings that differ from those the host runs with and take effect only after a restart. */
  readonly restartRequired: string[];
}

export interface PluginReloadOptions {
  /** The config the host started with: everything but its plugins and hook deadlines stays in force. */
  readonly running: HostConfig;
  /** Reads the config file anew. @throws ConfigError with the message a start would give. */
  readonly read: () => Promise<HostConfig>;
  /** Loads and sets up the plugins of `config`. @throws ConfigError with the message a start would give. */
  readonly load: (config: HostConfig) => Promise<LoadedPluginSet>;
  readonly plugins: CurrentPlugins<LoadedPluginSet>;
  /** Called once the new set is in use (the catalog syncs its sources). */
  readonly replaced: () => void;
  readonly log: Logger;
}

/** The sections a reload applies: the plugin set, with the hook deadlines it is set up with. */
const reloadedSections = new Set(['plugins', 'hooks']);

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The dotted paths of the settings that differ between two configs, reloaded sections aside (never their values: some are secret). */
function changedSettings(before: unknown, after: unknown, path: string, found: string[]): string[] {
  if (isDeepStrictEqual(before, after)) return found;
  if (!isRecord(before) || !isRecord(after)) return [...found, path];
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys]
    .filter((key) => path !== '' || !reloadedSections.has(key))
    .reduce((all, key) => changedSettings(before[key], after[key], path === '' ? key : `${path}.${key}`, all), found);
}

function pluginChanges(before: LoadedPluginSet | null, after: LoadedPluginSet): ReloadSummary['plugins'] {
  const old = new Map((before?.plugins.plugins ?? []).map((plugin) => [plugin.name, plugin.entry]));
  const names = after.plugins.plugins.map((plugin) => plugin.name);
  const kept = after.plugins.plugins.filter((plugin) => old.has(plugin.name));
  return {
    added: names.filter((name) => !old.has(name)),
    removed: [...old.keys()].filter((name) => !names.includes(name)),
    changed: kept.filter((plugin) => !isDeepStrictEqual(plugin.entry, old.get(plugin.name))).map((plugin) => plugin.name),
    unchanged: kept.filter((plugin) => isDeepStrictEqual(plugin.entry, old.get(plugin.name))).map((plugin) => plugin.name),
  };
}

function describe(plugins: ReloadSummary['plugins'], restartRequired: readonly string[]): string {
  const parts = Object.entries(plugins).flatMap(([change, names]) => (names.length > 0 ? [`${change}: ${names.join(', ')}`] : []));
  const done = `Config reloaded (plugins ${parts.length > 0 ? parts.join('; ') : 'none'}).`;
  return restartRequired.length > 0 ? `${done} A restart is needed to apply: ${restartRequired.join(', ')}.` : done;
}

/**
 * Reloads the config file while the host runs: a valid config's plugins are set up as a new set
 * that replaces the one in use (operations running keep theirs to their end); an invalid one is
 * refused with the message a start would give, and the set in use is left as it was. Settings
 * outside the plugin set are not applied and are reported as needing a restart.
 */
export class PluginReload {
  readonly #options: PluginReloadOptions;
  /** Reloads run one after the other. */
  #queue: Promise<unknown> = Promise.resolve();
  #stopped = false;

  constructor(options: PluginReloadOptions) {
    this.#options = options;
  }

  reload(): Promise<ReloadSummary> {
    const run = this.#queue.then(() => this.#reloadOnce());
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Refuses reloads from now on, and waits for one under way: it does not replace the set
   * once the host is stopping. For a stopping host, before its plugins close.
   */
  async close(): Promise<void> {
    this.#stopped = true;
    await this.#queue;
  }

  async #reloadOnce(): Promise<ReloadSummary> {
    const { running, read, load, plugins, replaced, log } = this.#options;
    const stopping = () => new UnavailableError('The host is stopping: the config is not reloaded.');
    if (this.#stopped) throw stopping();
    try {
      const config = await read();
      const next = await load(config);
      if (this.#stopped) {
        await next.close();
        throw stopping();
      }
      const previous = plugins.replace(next);
      const restartRequired = changedSettings(running, config, '', []);
      const changes = pluginChanges(previous, next);
      log.info({ plugins: changes }, 'config reloaded: new operations use the new plugin set, running ones finish on the old one');
      if (restartRequired.length > 0) log.warn({ settings: restartRequired }, 'config changes not applied until the host restarts');
      replaced();
      return { message: describe(changes, restartRequired), plugins: changes, restartRequired };
    } catch (err) {
      log.error({ err: errorMessage(err) }, 'config reload refused: the plugins in use keep serving');
      throw err;
    }
  }
}

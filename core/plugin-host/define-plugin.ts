import type { z } from 'zod';
import type { PluginHooks } from '../hooks/host-hooks.js';
import type { RuntimeDefinition } from '../hooks/runtime.js';
import type { Logger } from '../logger.js';
import type { HostServices } from './host-services.js';

/** Major.minor of the plugin API this host offers. A plugin built for another major is refused. */
export const PLUGIN_API_VERSION = '1.5';

/** What `setup` receives. */
export interface PluginContext<Options> {
  /** The instance name (config `name`, else the plugin id); also the catalog source id. */
  readonly name: string;
  /** Validated options with defaults applied. */
  readonly options: Options;
  /** Tap-only view of the host's hooks. */
  readonly hooks: PluginHooks;
  /** Logger whose lines carry `{ plugin: name }`. */
  readonly log: Logger;
  /** Folder of the config file: resolve relative option paths against it. */
  readonly configDir: string;
  /** A folder of this instance's own below the host's data folder (created on demand). */
  readonly dataDir: string;
  /** What the host offers plugins beyond hooks. */
  readonly host: HostServices;
  /** Registers teardown; run in reverse setup order when the host stops. */
  onClose(fn: () => Promise<void> | void): void;
  /**
   * Makes this plugin the runtime of environments of `definition.type`: their settings schema,
   * what the API shows of them, and `inspect`. The plugin still carries out their plans in the
   * `deploy` hook. Since plugin API 1.3.
   * @throws Error when another plugin serves the type already (the host does not start).
   */
  runtime<Schema extends z.ZodType>(definition: RuntimeDefinition<Schema>): void;
}

/** A plugin: who it is, what options it takes, what it needs, and how it taps the hooks. */
export interface PluginDefinition<Schema extends z.ZodType = z.ZodType> {
  /** kebab-case id, e.g. `git-source`. */
  readonly id: string;
  /** The plugin API version it was written for (`'1.0'`); the major must match the host's. */
  readonly apiVersion: string;
  /** The plugin's own version, shown by `GET /api/plugins`. */
  readonly version?: string;
  /** Schema of `options` in the config file; validated before any plugin's setup runs. */
  readonly options: Schema;
  /** Plugin ids that must be enabled earlier in `plugins:`. */
  readonly dependsOn?: readonly string[];
  setup(ctx: PluginContext<z.output<Schema>>): Promise<void> | void;
}

/** Identity helper that gives `setup` the type of the validated options. */
export function definePlugin<Schema extends z.ZodType>(plugin: PluginDefinition<Schema>): PluginDefinition<Schema> {
  return plugin;
}

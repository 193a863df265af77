import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { z } from 'zod';
import { createHostHooks, hookNames, type HostHooks } from '../../core/hooks/host-hooks.js';
import { createPluginHooks, createPluginStats, type HookTimeouts, type PluginStats } from '../../core/hooks/plugin-hooks.js';
import { RuntimeRegistry } from '../../core/hooks/runtime-registry.js';
import { createLogger, type Logger } from '../../core/logger.js';
import type { AuditEventInput, PluginDefinition } from '../../core/plugin-api.js';

/** A plugin set up against real hooks, as the host would do it, without the rest of the host. */
export interface PluginHarness<Options> {
  /** The host side of the hooks: call `hooks.deploy.promise(plan, context)` and the like. */
  readonly hooks: HostHooks;
  /** The runtimes the plugin registered: call `runtimes.serving(type)?.inspect(...)` as the host does. */
  readonly runtimes: RuntimeRegistry;
  readonly name: string;
  readonly options: Options;
  readonly stats: PluginStats;
  /** Every line the plugin logged, as written (JSON). */
  readonly logLines: readonly string[];
  /** A logger writing into {@link logLines}, for contexts a test builds. */
  readonly log: Logger;
  /** Runs the plugin's `onClose` handlers and removes its folders. */
  close(): Promise<void>;
}

/** Generous per-hook deadlines: tests that want a timeout pass their own. */
const defaultTimeouts: HookTimeouts = Object.fromEntries(hookNames.map((hook) => [hook, 120_000])) as HookTimeouts;

/**
 * Validates `options` with the plugin's own schema, then runs its `setup` with a tap-only view
 * of fresh host hooks, a capturing logger and temporary config and data folders.
 */
export async function startPlugin<Schema extends z.ZodType>(
  plugin: PluginDefinition<Schema>,
  input: { name?: string; options?: unknown; timeouts?: Partial<HookTimeouts> } = {},
): Promise<PluginHarness<z.output<Schema>>> {
  const name = input.name ?? plugin.id;
  const options = plugin.options.parse(input.options ?? {}) as z.output<Schema>;
  const hooks = createHostHooks();
  const runtimes = new RuntimeRegistry();
  const stats = createPluginStats();
  const logLines: string[] = [];
  const log = createLogger({ level: 'debug', destination: { write: (line: string) => void logLines.push(line) } });
  const folder = await mkdtemp(join(tmpdir(), `rsgo-plugin-${plugin.id}-`));
  const closers: Array<() => Promise<void> | void> = [];
  const auditEvents: AuditEventInput[] = [];

  await plugin.setup({
    name,
    options,
    hooks: createPluginHooks(hooks, name, { ...defaultTimeouts, ...input.timeouts }, stats),
    log: log.child({ plugin: name }),
    configDir: join(folder, 'config'),
    dataDir: join(folder, 'data'),
    // A plugin set up alone has no key store; audit events are kept for assertions.
    host: { version: '0.0.0-test', apiKeys: { findByHash: async () => null, recordUse: () => {} }, audit: { record: async (event) => void auditEvents.push(event) }, now: Date.now },
    onClose: (fn) => void closers.push(fn),
    runtime: (runtime) => runtimes.register(name, runtime, log),
    eventDeliveries: () => {
      throw new Error('a plugin set up alone has no store for event deliveries: test it on a host (startTestHost)');
    },
  });

  return {
    hooks,
    runtimes,
    name,
    options,
    stats,
    logLines,
    log,
    async close() {
      for (const fn of closers.reverse()) await fn();
      await rm(folder, { recursive: true, force: true });
    },
  };
}

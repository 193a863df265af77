import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CatalogService } from '../core/catalog/catalog-service.js';
import { validateConfig } from '../core/config/load-config.js';
import { createHostHooks } from '../core/hooks/host-hooks.js';
import { RuntimeRegistry } from '../core/hooks/runtime-registry.js';
import { createLogger } from '../core/logger.js';
import { loadPlugins } from '../core/plugin-host/plugin-loader.js';
import { builtinPlugins } from '../plugins/builtin-plugins.js';

/** A catalog and the source plugins feeding it, without the rest of the host. */
export interface StandaloneCatalog {
  readonly catalog: CatalogService;
  close(): Promise<void>;
}

/**
 * Sets up the configured catalog-source plugins on their own hooks and a catalog on top, the
 * way the host does, but without database or HTTP: a sync measured here is the host's sync
 * and nothing else. Source plugins use neither API keys nor the audit trail.
 */
export async function startStandaloneCatalog(plugins: readonly Record<string, unknown>[]): Promise<StandaloneCatalog> {
  const tempDir = await mkdtemp(join(tmpdir(), 'rsgo-bench-catalog-'));
  try {
    const config = validateConfig({ plugins, dataDir: tempDir });
    const log = createLogger({ level: 'warn' });
    const hooks = createHostHooks();
    const loaded = await loadPlugins({
      entries: config.plugins,
      builtins: builtinPlugins,
      hooks,
      timeouts: config.hooks.timeoutMs,
      configDir: tempDir,
      dataDir: tempDir,
      log,
      host: {
        version: 'bench',
        apiKeys: { findByHash: () => Promise.resolve(null), recordUse: () => undefined },
        audit: { record: () => Promise.resolve() },
        now: Date.now,
      },
      runtimes: new RuntimeRegistry(),
    });
    const catalog = new CatalogService(hooks, log, { sourceTimeoutMs: config.hooks.timeoutMs.catalogSource });
    return {
      catalog,
      async close() {
        await catalog.close();
        await loaded.close();
        await rm(tempDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(tempDir, { recursive: true, force: true });
    throw err;
  }
}

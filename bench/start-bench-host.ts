import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '../core/config/load-config.js';
import { createHost, type Host } from '../core/host.js';
import { createLogger } from '../core/logger.js';
import type { PluginDefinition } from '../core/plugin-api.js';
import { builtinPlugins } from '../plugins/builtin-plugins.js';

/** A host as production runs it, on a free loopback port with a temp data folder. */
export interface BenchHost {
  readonly host: Host;
  readonly url: string;
  readonly admin: { readonly username: string; readonly password: string };
  /** Stops the host and deletes its temp folder. */
  close(): Promise<void>;
}

/**
 * Starts a real host the way `core/main.ts` does: built-in plugins, SQLite, production password
 * cost and an `info` JSON log on stdout. Unlike the test kit's host, whose debug log is kept in
 * memory, nothing here would distort a long measurement. `extraPlugins` are offered beside the
 * built-in ones (a benchmark's own runtime).
 */
export async function startBenchHost(
  plugins: readonly Record<string, unknown>[],
  extraPlugins: Readonly<Record<string, PluginDefinition>> = {},
): Promise<BenchHost> {
  const tempDir = await mkdtemp(join(tmpdir(), 'rsgo-bench-'));
  const admin = { username: 'admin', password: randomBytes(18).toString('base64url') };
  try {
    const config = validateConfig({ server: { host: '127.0.0.1', port: 0 }, dataDir: join(tempDir, 'data'), plugins });
    const host = await createHost({
      config,
      configDir: tempDir,
      builtins: { ...builtinPlugins, ...extraPlugins },
      log: createLogger({ level: config.log.level }),
      env: { RSGO_ADMIN_USER: admin.username, RSGO_ADMIN_PASSWORD: admin.password },
    });
    const { url } = await host.listen();
    return {
      host,
      url,
      admin,
      async close() {
        await host.close();
        await rm(tempDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(tempDir, { recursive: true, force: true });
    throw err;
  }
}

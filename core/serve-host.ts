import { loadConfig } from './config/load-config.js';
import { ConfigError, errorMessage } from './errors.js';
import { createHost, type Host } from './host.js';
import { createLogger } from './logger.js';
import type { PluginDefinition } from './plugin-host/define-plugin.js';

export interface ServeHostOptions {
  readonly configPath: string;
  /** Built-in plugins by id: the caller is the composition root that names them. */
  readonly builtins: Readonly<Record<string, PluginDefinition>>;
}

/**
 * Runs the host as a long-lived process: loads the config, starts listening, reloads the config
 * file on SIGHUP and stops cleanly on SIGTERM or SIGINT (exit 0, or 1 when the shutdown fails).
 * Resolves once listening; rejects when the host cannot start (see {@link startFailureReason}).
 */
export async function serveHost({ configPath, builtins }: ServeHostOptions): Promise<Host> {
  const { config, configDir } = await loadConfig(configPath);
  const log = createLogger({ level: config.log.level });
  const readConfig = async () => (await loadConfig(configPath)).config;
  const host = await createHost({ config, configDir, builtins, log, readConfig });
  const { url } = await host.listen();
  log.info({ url, plugins: host.plugins.plugins.map((p) => p.name) }, 'rsgo is listening');

  const stop = (signal: string) => {
    log.info({ signal }, 'stopping');
    host.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err: errorMessage(err) }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  // The reload logs what it changed, or why it refused the file; the process serves on either way.
  process.on('SIGHUP', () => {
    log.info({ signal: 'SIGHUP' }, 'reloading the config file');
    host.reload().catch(() => undefined);
  });
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  return host;
}

/** Why the start failed, for one line on stderr: a config problem is the operator's to fix, so the list, never a stack. */
export function startFailureReason(err: unknown): string {
  return err instanceof ConfigError ? err.message : errorMessage(err);
}

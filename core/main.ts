import { parseArgs } from 'node:util';
import { loadConfig } from './config/load-config.js';
import { ConfigError, errorMessage } from './errors.js';
import { createHost } from './host.js';
import { createLogger } from './logger.js';
// The process entry is the composition root: the one place that names the built-in plugins.
import { builtinPlugins } from '../plugins/builtin-plugins.js';

const DEFAULT_CONFIG = 'config/rsgo.yaml';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { config: { type: 'string', short: 'c' } }, strict: true });
  const configPath = values.config ?? process.env['RSGO_CONFIG'] ?? DEFAULT_CONFIG;
  const { config, configDir } = await loadConfig(configPath);
  const log = createLogger({ level: config.log.level });
  const host = await createHost({ config, configDir, builtins: builtinPlugins, log });
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
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  // A config problem is the operator's to fix: print the list, not a stack.
  process.stderr.write(`rsgo: ${err instanceof ConfigError ? err.message : errorMessage(err)}\n`);
  process.exit(1);
});

import { parseArgs } from 'node:util';
import { configPathOf } from './config/config-path.js';
import { serveHost, startFailureReason } from './serve-host.js';
// The process entry is a composition root: it names the built-in plugins (so does `rsgo serve`).
import { builtinPlugins } from '../plugins/builtin-plugins.js';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { config: { type: 'string', short: 'c' } }, strict: true });
  await serveHost({ configPath: configPathOf(values.config), builtins: builtinPlugins });
}

main().catch((err: unknown) => {
  process.stderr.write(`rsgo: ${startFailureReason(err)}\n`);
  process.exit(1);
});

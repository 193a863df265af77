/**
 * Benchmark child: a host whose key store holds `--keys` keys (one of them handed to the
 * parent), serving the webhooks under load.
 */
import { parseArgs } from 'node:util';
import { runBenchChild } from './bench-child.js';
import { seedApiKeys } from './seed-api-keys.js';
import { startBenchHost } from './start-bench-host.js';

/** What the parent needs to call the hook. */
export interface HookServerReport {
  readonly url: string;
  readonly apiKey: string;
  readonly environmentId: string;
  readonly keys: number;
}

runBenchChild<HookServerReport>(async () => {
  const { values } = parseArgs({ options: { keys: { type: 'string', default: '10' } } });
  const keys = Number(values.keys);
  const bench = await startBenchHost([{ use: 'api-key-auth' }]);
  try {
    const environment = await bench.host.environments.ensureDefault();
    const created = await bench.host.apiKeys.create({
      name: 'bench',
      permissions: ['Hooks.Redeploy'],
      environmentId: environment.id,
      expiresAt: null,
    });
    await seedApiKeys(bench.host.store, keys - 1, environment.id);
    // The planner's statistics, as a long-running database would have them.
    await bench.host.store.raw('analyze');
    return { report: { url: bench.url, apiKey: created.fullKey, environmentId: environment.id, keys }, stop: () => bench.close() };
  } catch (err) {
    await bench.close();
    throw err;
  }
});

/**
 * Item 6: what a flood of made-up API keys from one address costs a pipeline calling with a
 * valid key from another. Quiet and flooded rounds alternate, so load from elsewhere on the
 * machine hits both alike; short rounds and many of them, so a burst of other work lands in
 * both kinds instead of one. (The brute-force test checks the outcomes: only 401 and 429 for
 * the flood, every valid call answered; the speed is measured here.)
 */
import type { Figure } from './figure.js';
import { startKeyFlood, validKeyClient } from './key-flood.js';
import { percentile } from './percentile.js';
import { startBenchHost } from './start-bench-host.js';

export interface BruteForceBenchOptions {
  readonly rounds: number;
  readonly samplesPerRound: number;
  /** Open-loop rate of the flood: "thousands per second from one address". */
  readonly floodRate: number;
  readonly floodConnections: number;
}

export interface BruteForceBenchResult {
  readonly options: BruteForceBenchOptions;
  readonly quietP50Ms: number;
  readonly quietP99Ms: number;
  readonly floodedP50Ms: number;
  readonly floodedP99Ms: number;
  readonly floodAttemptsPerSecond: number;
  readonly floodStatuses: Readonly<Record<string, number>>;
  readonly figures: readonly Figure[];
}

const settle = (ms: number) => new Promise((done) => setTimeout(done, ms));

export async function bruteForceBench(options: BruteForceBenchOptions, log: (line: string) => void): Promise<BruteForceBenchResult> {
  const bench = await startBenchHost([{ use: 'api-key-auth' }]);
  try {
    const login = await fetch(`${bench.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(bench.admin) });
    const { token } = (await login.json()) as { token: string };
    const created = await fetch(`${bench.url}/api/api-keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ name: 'pipeline', permissions: ['Hooks.SyncSources'] }),
    });
    const { apiKey } = (await created.json()) as { apiKey: { fullKey: string } };
    const client = validKeyClient(bench.url, apiKey.fullKey);
    const flood = await startKeyFlood(`${bench.url}/api/hooks/redeploy`, '127.0.0.2', options.floodRate, options.floodConnections);
    try {
      // Warm-up (JIT, connection, statement caches) with the brake already engaged.
      await settle(1_000);
      await client.calls(50);
      const quiet: number[] = [];
      const flooded: number[] = [];
      for (let round = 0; round < options.rounds; round++) {
        flood.steer('pause');
        // Time, not state: answers already on their way drain before the quiet samples.
        await settle(200);
        quiet.push(...(await client.calls(options.samplesPerRound)).map((answer) => answer.ms));
        flood.steer('resume');
        await settle(200);
        flooded.push(...(await client.calls(options.samplesPerRound)).map((answer) => answer.ms));
      }
      const summary = await flood.finish();
      const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
      const [q, f] = [sorted(quiet), sorted(flooded)];
      const result = {
        quietP50Ms: percentile(q, 50),
        quietP99Ms: percentile(q, 99),
        floodedP50Ms: percentile(f, 50),
        floodedP99Ms: percentile(f, 99),
        floodAttemptsPerSecond: summary.sent / summary.seconds,
        floodStatuses: summary.statuses,
      };
      log(`brute force: valid key p99 ${result.quietP99Ms.toFixed(2)} -> ${result.floodedP99Ms.toFixed(2)} ms under ${Math.round(result.floodAttemptsPerSecond)}/s attempts`);
      const figures: Figure[] = [
        { item: 6, name: 'Flood of made-up keys from one address', value: result.floodAttemptsPerSecond, unit: 'req/s', goal: { comparison: '>=', target: 1_000 }, note: JSON.stringify(summary.statuses) },
        { item: 6, name: 'Valid key p99 under that flood / quiet', value: result.floodedP99Ms / result.quietP99Ms, unit: 'ratio', goal: { comparison: '<=', target: 2 }, note: `${result.quietP99Ms.toFixed(2)} -> ${result.floodedP99Ms.toFixed(2)} ms` },
      ];
      return { options, ...result, figures };
    } finally {
      flood.process.kill('SIGKILL');
      client.close();
    }
  } finally {
    await bench.close();
  }
}

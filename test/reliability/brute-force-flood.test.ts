import test from 'ava';
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { createInterface } from 'node:readline';
import { createKey, useAuthHost } from '../support/api-keys.js';

/**
 * Alternating quiet and flooded rounds, so load from elsewhere on the machine hits both alike.
 * Short rounds and many of them: a burst of other work (a test starting containers beside this
 * one) lasts longer than a round, so it lands in both kinds instead of one.
 */
const ROUNDS = 15;
const SAMPLES_PER_ROUND = 40;
/** Open-loop rate of the flood: "thousands per second from one address". */
const FLOOD_RATE = 2_000;
const FLOOD_CONNECTIONS = 16;

interface FloodSummary {
  readonly sent: number;
  readonly answered: number;
  /** Failed requests by error code. */
  readonly errors: Readonly<Record<string, number>>;
  readonly statuses: Readonly<Record<string, number>>;
  readonly seconds: number;
}

/** One valid client on its own address: sequential hook calls, each timed to the last byte. */
function validClient(url: string, apiKey: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1, localAddress: '127.0.0.1' });
  const call = () =>
    new Promise<{ status: number; ms: number }>((done, fail) => {
      const started = performance.now();
      const req = request(`${url}/api/hooks/sync-sources`, { method: 'POST', agent, headers: { 'x-api-key': apiKey } }, (res) => {
        res.resume();
        res.on('end', () => done({ status: res.statusCode ?? 0, ms: performance.now() - started }));
      });
      req.on('error', fail);
      req.end();
    });
  return {
    async measure(samples: number): Promise<Array<{ status: number; ms: number }>> {
      const out = [];
      for (let i = 0; i < samples; i++) out.push(await call());
      return out;
    },
    close: () => agent.destroy(),
  };
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/** Starts the flood process; `steer` pauses or resumes it, `finish` stops it and reads its summary. */
async function startFlood(url: string) {
  const flood = spawn(
    process.execPath,
    ['--import=tsx', 'test/fixtures/processes/flood-invalid-keys.ts', url, '127.0.0.2', String(FLOOD_RATE), String(FLOOD_CONNECTIONS)],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: flood.stdout! })[Symbol.asyncIterator]();
  if ((await lines.next()).value !== 'ready') throw new Error('the flood did not start');
  return {
    flood,
    steer: (command: 'pause' | 'resume') => void flood.stdin!.write(`${command}\n`),
    async finish(): Promise<FloodSummary> {
      flood.kill('SIGTERM');
      const { value } = await lines.next();
      if (typeof value !== 'string') throw new Error('the flood ended without its summary');
      return JSON.parse(value) as FloodSummary;
    },
  };
}

const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));

test('A flood of invalid keys from one address gets 401 then 429 while a valid key from another address keeps its p99 latency', async (t) => {
  const auth = await useAuthHost(t, 'sqlite');
  const key = await createKey(t, auth, { name: 'pipeline', permissions: ['Hooks.SyncSources'] });
  const client = validClient(auth.host.url, key.fullKey);
  t.teardown(() => client.close());

  const { flood, steer, finish } = await startFlood(`${auth.host.url}/api/hooks/redeploy`);
  t.teardown(() => void flood.kill('SIGKILL'));
  await pause(1_000); // long enough to trip the brake
  steer('pause');
  // Warm-up (JIT, connection, statement caches) right before measuring: an idle keep-alive
  // connection would be closed by the server meanwhile.
  await client.measure(50);
  const quiet: number[] = [];
  const loaded: number[] = [];
  const statuses: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    steer('pause');
    await pause(200); // answers already on their way drain
    const calm = await client.measure(SAMPLES_PER_ROUND);
    steer('resume');
    await pause(200);
    const busy = await client.measure(SAMPLES_PER_ROUND);
    quiet.push(...calm.map((s) => s.ms));
    loaded.push(...busy.map((s) => s.ms));
    statuses.push(...calm.map((s) => s.status), ...busy.map((s) => s.status));
  }
  const result = await finish();

  const seconds = result.seconds;
  const quietP99 = percentile(quiet, 99);
  const loadedP99 = percentile(loaded, 99);
  t.log(
    `flood: ${Math.round(result.sent / seconds)}/s attempted, ${Math.round(result.answered / seconds)}/s answered ${JSON.stringify(result.statuses)}, errors ${JSON.stringify(result.errors)}; ` +
      `valid key p50 ${percentile(quiet, 50).toFixed(2)} -> ${percentile(loaded, 50).toFixed(2)} ms, ` +
      `p99 ${quietP99.toFixed(2)} -> ${loadedP99.toFixed(2)} ms (${(loadedP99 / quietP99).toFixed(2)}x) over ${quiet.length} + ${loaded.length} samples`,
  );
  t.true(statuses.every((status) => status === 200), 'every valid call succeeded');
  const others = Object.keys(result.statuses).filter((status) => status !== '401' && status !== '429');
  t.deepEqual(others, [], `the flood got only 401 and 429: ${JSON.stringify(result.statuses)}`);
  t.true((result.statuses['401'] ?? 0) <= 10, 'only the failures up to the brake limit are looked up');
  // Only the keep-alive race of a client that idled past the server's timeout is allowed; a host
  // that dropped or reset requests under the flood would show here.
  const dropped = Object.entries(result.errors).filter(([reason]) => reason !== 'ECONNRESET on a reused connection');
  t.deepEqual(dropped, [], `no flood request was dropped or reset: ${JSON.stringify(result.errors)}`);
  // The attacker's rate; how many the host answered depends on the machine and is reported above.
  t.true(result.sent / seconds >= 1_000, 'the flood sent thousands of attempts per second');
  t.true(loadedP99 <= 2 * quietP99, `p99 ${loadedP99.toFixed(2)} ms under the flood vs ${quietP99.toFixed(2)} ms without`);

  // The audit trail records the failures that were looked up, not every refused request.
  const rejected = await auth.host.host.store('audit_events').where({ action: 'auth.rejected' }).count({ n: '*' }).first();
  t.true(Number(rejected?.['n']) <= 10, `audit rows for rejected keys: ${String(rejected?.['n'])}`);
});

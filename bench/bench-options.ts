import { parseArgs } from 'node:util';

/** The benchmark groups, one per item of the performance plan (docs/performance.md). */
export const benchGroups = ['webhook', 'redeploy', 'catalog', 'footprint', 'trust', 'zero-downtime', 'async'] as const;
export type BenchGroup = (typeof benchGroups)[number];

/** Sizes and repetitions of one `npm run bench`. */
export interface BenchOptions {
  /** Reduced sizes for a trial run. */
  readonly quick: boolean;
  readonly only: readonly BenchGroup[];
  /** Rounds of each measurement; medians are taken over them. */
  readonly rounds: number;
  /** Seconds of load per round and target (items 1–2). */
  readonly durationSeconds: number;
  readonly connections: number;
  /** Keys in the large store (item 2). */
  readonly keys: number;
  /** Manifest counts of the catalog syncs (item 4); the largest also loads the footprint host. */
  readonly manifests: readonly number[];
  /** Services of the redeployed stack (item 3). */
  readonly services: number;
  /** Rounds of the redeploy benchmark: each is three real redeploys of the whole stack. */
  readonly redeployRounds: number;
  /** Folder for `--cpu-prof` profiles of the host processes; none when empty. */
  readonly profileDir: string | null;
  /** Where latest.json and latest.md are written. */
  readonly resultsDir: string;
}

const usage = `npm run bench -- [options]   (each option also as an environment variable)
  --quick                 small sizes for a trial run (BENCH_QUICK=1)
  --only LIST             ${benchGroups.join(',')} (BENCH_ONLY)
  --rounds N              rounds per measurement, default 3 (BENCH_ROUNDS)
  --duration S            seconds of load per round, default 8 (BENCH_DURATION)
  --connections N         concurrent connections, default 10 (BENCH_CONNECTIONS)
  --keys N                keys in the large store, default 100000 (BENCH_KEYS)
  --manifests LIST        manifest counts, default 1000,10000 (BENCH_MANIFESTS)
  --services N            services of the redeployed stack, default 5 (BENCH_SERVICES)
  --redeploy-rounds N     rounds of the redeploy benchmark, default 3 (BENCH_REDEPLOY_ROUNDS)
  --profile DIR           write --cpu-prof profiles of the host processes to DIR (BENCH_PROFILE)
  --results DIR           default bench/results (BENCH_RESULTS)`;

const positiveInteger = (name: string, text: string): number => {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, not '${text}'\n${usage}`);
  return value;
};

/** Reads the options from the command line, then the environment, then the defaults. */
export function benchOptions(argv: readonly string[], env: NodeJS.ProcessEnv): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean' },
      only: { type: 'string' },
      rounds: { type: 'string' },
      duration: { type: 'string' },
      connections: { type: 'string' },
      keys: { type: 'string' },
      manifests: { type: 'string' },
      services: { type: 'string' },
      'redeploy-rounds': { type: 'string' },
      profile: { type: 'string' },
      results: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  const quick = values.quick ?? env['BENCH_QUICK'] === '1';
  const pick = (flag: string | undefined, variable: string, normal: string, small: string) => flag ?? env[variable] ?? (quick ? small : normal);
  const only = pick(values.only, 'BENCH_ONLY', benchGroups.join(','), benchGroups.join(','))
    .split(',')
    .map((name) => name.trim());
  const unknown = only.filter((name) => !(benchGroups as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`unknown benchmark group(s) ${unknown.join(', ')}\n${usage}`);
  return {
    quick,
    only: only as BenchGroup[],
    rounds: positiveInteger('--rounds', pick(values.rounds, 'BENCH_ROUNDS', '3', '2')),
    durationSeconds: positiveInteger('--duration', pick(values.duration, 'BENCH_DURATION', '8', '3')),
    connections: positiveInteger('--connections', pick(values.connections, 'BENCH_CONNECTIONS', '10', '10')),
    keys: positiveInteger('--keys', pick(values.keys, 'BENCH_KEYS', '100000', '10000')),
    manifests: pick(values.manifests, 'BENCH_MANIFESTS', '1000,10000', '200,1000')
      .split(',')
      .map((n) => positiveInteger('--manifests', n.trim())),
    services: positiveInteger('--services', pick(values.services, 'BENCH_SERVICES', '5', '5')),
    redeployRounds: positiveInteger('--redeploy-rounds', pick(values['redeploy-rounds'], 'BENCH_REDEPLOY_ROUNDS', '3', '1')),
    profileDir: values.profile ?? env['BENCH_PROFILE'] ?? null,
    resultsDir: values.results ?? env['BENCH_RESULTS'] ?? 'bench/results',
  };
}

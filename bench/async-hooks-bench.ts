/**
 * Item 7: asynchronous hooks. (a) The 202 of `POST /api/hooks/redeploy` with
 * `Prefer: respond-async` against the synchronous call's refusal path (unknown stack → 400), on
 * the same host in the same run: one client, the two calls alternating, each operation left to
 * end before the next call so its work never overlaps a timed answer. (b) The host's CPU while
 * 100 clients follow one operation's events (`GET /api/operations/:id/events`) at the progress
 * rate of a 5-service redeploy, against the same operation followed by one client.
 * Both hosts run the paced runtime (`paced-runtime-plugin.ts`): no engine work, so what is
 * measured is the host's own.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { readEventStream } from '../test/support/event-stream-client.js';
import { ApiClient } from './api-client.js';
import { benchManifestYaml, type BenchStack } from './bench-stack.js';
import { deployBenchStack, type DeployedBenchStack } from './deploy-bench-stack.js';
import type { Figure } from './figure.js';
import { median } from './median.js';
import { STEPS_PER_SERVICE } from './paced-runtime-plugin.js';
import { percentile } from './percentile.js';
import { processCpuSeconds } from './process-cpu-seconds.js';
import type { RedeployHostReport } from './redeploy-host.js';
import { startBenchChild, type BenchChild } from './start-bench-child.js';

export interface AsyncHooksBenchOptions {
  readonly rounds: number;
  /** Timed calls of each kind per round (part a). */
  readonly samples: number;
  readonly services: number;
  /** Concurrent followers of one operation (part b). */
  readonly followers: number;
  /** Milliseconds between two progress steps of the paced runtime (part b). */
  readonly stepMs: number;
  /** Extra Node options for the host processes (`--cpu-prof`...). */
  readonly hostNodeOptions: readonly string[];
}

/** One round of part (b): one operation, followed by `followers` clients. */
export interface FollowedRound {
  readonly followers: number;
  readonly operationMs: number;
  readonly hostCpuSeconds: number;
  /** Host CPU seconds per second of operation: the share of one core. */
  readonly cores: number;
  readonly eventsPerFollower: number;
}

export interface AsyncHooksBenchResult {
  readonly options: AsyncHooksBenchOptions;
  readonly refusal: { readonly p50Ms: number; readonly p99Ms: number; readonly rounds: readonly { p50Ms: number; p99Ms: number }[] };
  readonly accepted: { readonly p50Ms: number; readonly p99Ms: number; readonly rounds: readonly { p50Ms: number; p99Ms: number }[] };
  /** Median of the per-round ratios of the two p50s. */
  readonly p50Ratio: number;
  readonly followed: readonly FollowedRound[];
  readonly figures: readonly Figure[];
}

const HOOK_PATH = '/api/hooks/redeploy';

/** A catalog folder holding one stack of `services` services, and that stack. */
async function benchCatalog(workDir: string, services: number): Promise<{ folder: string; stack: BenchStack }> {
  const stack: BenchStack = {
    name: `bench-async-${randomBytes(3).toString('hex')}`,
    side: 'hook',
    services: Array.from({ length: services }, (_, i) => ({ name: `svc${i + 1}`, image: 'busybox:latest' })),
  };
  const folder = await mkdtemp(join(workDir, 'catalog-'));
  await writeFile(join(folder, `${stack.name}.yaml`), benchManifestYaml(stack));
  return { folder, stack };
}

/** A paced-runtime host with the stack deployed. */
interface AsyncHost {
  readonly child: BenchChild<RedeployHostReport>;
  readonly url: string;
  readonly deployed: DeployedBenchStack;
  readonly stack: BenchStack;
}

async function startAsyncHost(workDir: string, services: number, stepMs: number, nodeOptions: readonly string[]): Promise<AsyncHost> {
  const { folder, stack } = await benchCatalog(workDir, services);
  const child = await startBenchChild<RedeployHostReport>('async-hook-host.ts', { args: ['--catalog', folder, '--step-ms', String(stepMs)], nodeOptions });
  try {
    const api = new ApiClient(child.report.url);
    await api.signIn(child.report.admin.username, child.report.admin.password);
    const deployed = await deployBenchStack(api, stack);
    if ('notMeasured' in deployed) throw new Error(deployed.notMeasured);
    return { child, url: child.report.url, deployed, stack };
  } catch (err) {
    await child.stop();
    throw err;
  }
}

/** One hook call; returns its time to the whole answer and the answer. */
async function timedHook(host: AsyncHost, body: unknown, headers: Record<string, string>): Promise<{ ms: number; status: number; body: Record<string, unknown> }> {
  const started = performance.now();
  const response = await fetch(host.url + HOOK_PATH, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': host.deployed.apiKey, ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  const ms = performance.now() - started;
  return { ms, status: response.status, body: JSON.parse(text) as Record<string, unknown> };
}

/** The refusal every synchronous call must get, and the 202 every asynchronous one must get. */
const refuse = (host: AsyncHost) => timedHook(host, { stackName: 'bench-not-deployed', environmentId: host.deployed.environmentId }, {});
const accept = (host: AsyncHost) => timedHook(host, { stackName: host.stack.name }, { prefer: 'respond-async' });

function expectAnswer(answer: { status: number; body: Record<string, unknown> }, status: number, what: string): void {
  const code = status === 400 ? answer.body['code'] === 'DEPLOYMENT_NOT_FOUND' : typeof answer.body['operationId'] === 'string';
  if (answer.status !== status || !code) throw new Error(`${what} answered ${answer.status} ${JSON.stringify(answer.body)}; expected ${status}`);
}

/** Waits (polling, untimed) until the operation has ended; it must have succeeded. */
async function operationEnded(host: AsyncHost, operationId: string): Promise<void> {
  for (;;) {
    const response = await fetch(`${host.url}/api/operations/${operationId}`, { headers: { 'x-api-key': host.deployed.apiKey } });
    const body = (await response.json()) as { operation?: { status?: string } };
    const status = body.operation?.status;
    if (status === 'Succeeded') return;
    if (status === 'Failed' || response.status !== 200) throw new Error(`operation ${operationId}: ${response.status} ${JSON.stringify(body)}`);
    await sleep(2);
  }
}

/** Part (a): `samples` pairs per round, alternately refusal first and 202 first. */
async function latencyRounds(host: AsyncHost, options: AsyncHooksBenchOptions, log: (line: string) => void) {
  const one = async (kind: 'refusal' | 'accepted'): Promise<number> => {
    if (kind === 'refusal') {
      const answer = await refuse(host);
      expectAnswer(answer, 400, 'the synchronous hook');
      return answer.ms;
    }
    const answer = await accept(host);
    expectAnswer(answer, 202, 'the asynchronous hook');
    await operationEnded(host, String(answer.body['operationId']));
    return answer.ms;
  };
  // JIT and the database's page cache warm up outside the measurement.
  for (let i = 0; i < Math.min(200, options.samples); i++) {
    await one('refusal');
    await one('accepted');
  }
  const refusal: { p50Ms: number; p99Ms: number }[] = [];
  const accepted: { p50Ms: number; p99Ms: number }[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < options.rounds; round++) {
    const times = { refusal: [] as number[], accepted: [] as number[] };
    for (let i = 0; i < options.samples; i++) {
      const order = i % 2 === 0 ? (['refusal', 'accepted'] as const) : (['accepted', 'refusal'] as const);
      for (const kind of order) times[kind].push(await one(kind));
    }
    const stats = (values: number[]) => {
      const sorted = Float64Array.from(values).sort();
      return { p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99) };
    };
    const r = stats(times.refusal);
    const a = stats(times.accepted);
    refusal.push(r);
    accepted.push(a);
    ratios.push(a.p50Ms / r.p50Ms);
    log(`async round ${round + 1}/${options.rounds}: refusal p50 ${r.p50Ms.toFixed(2)} ms (p99 ${r.p99Ms.toFixed(2)}), 202 p50 ${a.p50Ms.toFixed(2)} ms (p99 ${a.p99Ms.toFixed(2)}), ratio ${(a.p50Ms / r.p50Ms).toFixed(3)}`);
  }
  const summary = (rounds: { p50Ms: number; p99Ms: number }[]) => ({ p50Ms: median(rounds.map((x) => x.p50Ms)), p99Ms: median(rounds.map((x) => x.p99Ms)), rounds });
  return { refusal: summary(refusal), accepted: summary(accepted), p50Ratio: median(ratios) };
}

/** Part (b): one operation followed by `followers` clients, from its 202 to every client's `done`. */
async function followedRound(host: AsyncHost, followers: number, services: number): Promise<FollowedRound> {
  const cpuBefore = await processCpuSeconds(host.child.pid);
  const started = performance.now();
  const answer = await accept(host);
  expectAnswer(answer, 202, 'the asynchronous hook');
  const eventsUrl = `${host.url}${String(answer.body['eventsUrl'])}`;
  const streams = await Promise.all(Array.from({ length: followers }, () => readEventStream(eventsUrl, { 'x-api-key': host.deployed.apiKey })));
  const operationMs = performance.now() - started;
  const hostCpuSeconds = (await processCpuSeconds(host.child.pid)) - cpuBefore;
  // Every follower must have seen every step and the successful end, or the round measured nothing.
  const expected = services * STEPS_PER_SERVICE;
  for (const stream of streams) {
    const done = stream.events.at(-1);
    const steps = stream.events.filter((event) => event.event === 'progress').length;
    if (stream.status !== 200 || !stream.endedByHost || done?.event !== 'done' || done.data['status'] !== 'Succeeded' || steps < expected) {
      throw new Error(`a follower got ${stream.status}, ${steps} progress events of ${expected}, last ${JSON.stringify(done)}`);
    }
  }
  return { followers, operationMs, hostCpuSeconds, cores: hostCpuSeconds / (operationMs / 1000), eventsPerFollower: streams[0]?.events.length ?? 0 };
}

export async function asyncHooksBench(options: AsyncHooksBenchOptions, log: (line: string) => void): Promise<AsyncHooksBenchResult> {
  const workDir = await mkdtemp(join(tmpdir(), 'rsgo-bench-async-'));
  const hosts: AsyncHost[] = [];
  try {
    log('async: starting a host whose runtime answers at once');
    const instant = await startAsyncHost(workDir, options.services, 0, options.hostNodeOptions);
    hosts.push(instant);
    const latency = await latencyRounds(instant, options, log);

    log(`async: starting a host whose runtime reports a step every ${options.stepMs} ms`);
    const paced = await startAsyncHost(workDir, options.services, options.stepMs, options.hostNodeOptions);
    hosts.push(paced);
    await followedRound(paced, 1, options.services); // warm-up
    const followed: FollowedRound[] = [];
    for (let round = 0; round < options.rounds; round++) {
      for (const followers of [1, options.followers]) {
        const result = await followedRound(paced, followers, options.services);
        followed.push(result);
        log(
          `async followers round ${round + 1}/${options.rounds}, ${followers} follower(s): operation ${result.operationMs.toFixed(0)} ms, ` +
            `host CPU ${result.hostCpuSeconds.toFixed(2)} s = ${result.cores.toFixed(3)} cores, ${result.eventsPerFollower} events each`,
        );
      }
    }
    const of = (followers: number) => followed.filter((round) => round.followers === followers);
    const many = of(options.followers);
    const single = of(1);
    const cores = median(many.map((round) => round.cores));
    const eventRate = median(many.map((round) => round.eventsPerFollower / (round.operationMs / 1000)));
    const figures: Figure[] = [
      { item: 7, name: 'Synchronous hook refused (400): p50 / p99 latency', value: latency.refusal.p50Ms, unit: 'ms', note: `p99 ${latency.refusal.p99Ms.toFixed(2)} ms; one client, ${options.samples} calls per round` },
      { item: 7, name: 'Asynchronous hook accepted (202): p50 / p99 latency', value: latency.accepted.p50Ms, unit: 'ms', note: `p99 ${latency.accepted.p99Ms.toFixed(2)} ms; each operation ended before the next call` },
      { item: 7, name: 'Asynchronous 202 p50 / refusal p50', value: latency.p50Ratio, unit: 'ratio', goal: { comparison: '<=', target: 1.1 }, note: 'the 202 adds at most 10 % to the refusal path' },
      {
        item: 7,
        name: `Host CPU while ${options.followers} clients follow one operation's events`,
        value: cores,
        unit: 'cores',
        goal: { comparison: '<=', target: 1 },
        note: `host CPU seconds per second of operation (from the 202 to every follower's done); ${options.services} services, ${eventRate.toFixed(0)} events/s per follower`,
      },
      {
        item: 7,
        name: 'Host CPU while one client follows the same operation',
        value: median(single.map((round) => round.cores)),
        unit: 'cores',
        note: `operation ${median(single.map((round) => round.operationMs)).toFixed(0)} ms; with ${options.followers} followers ${median(many.map((round) => round.operationMs)).toFixed(0)} ms`,
      },
    ];
    return { options, ...latency, followed, figures };
  } finally {
    for (const host of hosts.reverse()) await host.child.stop();
    await rm(workDir, { recursive: true, force: true });
  }
}

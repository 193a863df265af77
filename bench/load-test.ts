import autocannon from 'autocannon';
import { percentile } from './percentile.js';
import { processCpuSeconds } from './process-cpu-seconds.js';

/** One load run against one endpoint. */
export interface LoadRequest {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly connections: number;
  readonly durationSeconds: number;
  /** The server's process, to measure the CPU time it spends per request. */
  readonly serverPid?: number;
}

/** What one run measured. Latencies are exact (autocannon's own histogram rounds to whole ms). */
export interface LoadResult {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly responses: number;
  /** Answers per HTTP status. */
  readonly statuses: Readonly<Record<string, number>>;
  /** Connection errors and timeouts. */
  readonly errors: number;
  /**
   * Server CPU time (user + system) per answered request, in microseconds: unlike throughput,
   * it hardly moves when other processes compete for the cores. `null` without a server pid.
   */
  readonly serverCpuMicrosPerRequest: number | null;
}

/** Runs autocannon for a fixed time with keep-alive connections, bounded to `durationSeconds`. */
export async function loadTest(request: LoadRequest): Promise<LoadResult> {
  const cpuBefore = request.serverPid === undefined ? null : await processCpuSeconds(request.serverPid);
  const run = await autocannonRun(request);
  const cpuAfter = request.serverPid === undefined ? null : await processCpuSeconds(request.serverPid);
  const cpuMicros = cpuBefore === null || cpuAfter === null || run.responses === 0 ? null : ((cpuAfter - cpuBefore) * 1e6) / run.responses;
  return { ...run, serverCpuMicrosPerRequest: cpuMicros };
}

function autocannonRun(request: LoadRequest): Promise<Omit<LoadResult, 'serverCpuMicrosPerRequest'>> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  return new Promise((resolve, reject) => {
    const run = autocannon(
      {
        url: request.url,
        method: request.method,
        headers: request.headers,
        ...(request.body === undefined ? {} : { body: request.body }),
        connections: request.connections,
        duration: request.durationSeconds,
        timeout: 10,
      },
      (err, result) => {
        if (err) {
          reject(err);
          return;
        }
        const sorted = Float64Array.from(latencies).sort();
        resolve({
          requestsPerSecond: latencies.length / result.duration,
          p50Ms: percentile(sorted, 50),
          p99Ms: percentile(sorted, 99),
          responses: latencies.length,
          statuses,
          errors: result.errors + result.timeouts,
        });
      },
    );
    run.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
      latencies.push(responseTimeMs);
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    });
  });
}

/**
 * One result from runs of the same target: rates, percentiles and the CPU per request averaged
 * (CPU weighted by the answers of each run), counts added.
 */
export function meanOfRuns(runs: readonly LoadResult[]): LoadResult {
  const total = (pick: (run: LoadResult) => number) => runs.reduce((sum, run) => sum + pick(run), 0);
  const mean = (pick: (run: LoadResult) => number) => total(pick) / runs.length;
  const responses = total((run) => run.responses);
  const statuses: Record<string, number> = {};
  for (const run of runs) {
    for (const [code, count] of Object.entries(run.statuses)) statuses[code] = (statuses[code] ?? 0) + count;
  }
  const cpuKnown = runs.every((run) => run.serverCpuMicrosPerRequest !== null) && responses > 0;
  return {
    requestsPerSecond: mean((run) => run.requestsPerSecond),
    p50Ms: mean((run) => run.p50Ms),
    p99Ms: mean((run) => run.p99Ms),
    responses,
    statuses,
    errors: total((run) => run.errors),
    serverCpuMicrosPerRequest: cpuKnown ? total((run) => (run.serverCpuMicrosPerRequest ?? 0) * run.responses) / responses : null,
  };
}

/**
 * A flood of made-up API keys from one loopback address, in a process of its own
 * (`test/fixtures/processes/flood-invalid-keys.ts`), and a pipeline with a valid key calling
 * from another address: what the brute-force test checks for outcomes and the benchmark times.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { createInterface } from 'node:readline';

/** What the flood process reports when it stops. */
export interface FloodSummary {
  readonly sent: number;
  readonly answered: number;
  /** Failed requests by error code. */
  readonly errors: Readonly<Record<string, number>>;
  readonly statuses: Readonly<Record<string, number>>;
  /** Seconds the flood was not paused. */
  readonly seconds: number;
}

export interface Flood {
  readonly process: ChildProcess;
  /** Pauses or resumes the attempts; answers on their way still arrive. */
  steer(command: 'pause' | 'resume'): void;
  /** Stops the flood and resolves its summary. */
  finish(): Promise<FloodSummary>;
}

/** Starts flooding `url` from `localAddress` at `rate` attempts per second over `connections` keep-alive connections. */
export async function startKeyFlood(url: string, localAddress: string, rate: number, connections: number): Promise<Flood> {
  const flood = spawn(process.execPath, ['--import=tsx', 'test/fixtures/processes/flood-invalid-keys.ts', url, localAddress, String(rate), String(connections)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: flood.stdout! })[Symbol.asyncIterator]();
  if ((await lines.next()).value !== 'ready') throw new Error('the flood did not start');
  return {
    process: flood,
    steer: (command) => void flood.stdin!.write(`${command}\n`),
    async finish() {
      flood.kill('SIGTERM');
      const { value } = await lines.next();
      if (typeof value !== 'string') throw new Error('the flood ended without its summary');
      return JSON.parse(value) as FloodSummary;
    },
  };
}

/** One answer to the valid client, timed to its last byte. */
export interface TimedAnswer {
  readonly status: number;
  readonly ms: number;
}

/** A pipeline on 127.0.0.1 calling `POST /api/hooks/sync-sources` with a valid key, one call at a time. */
export function validKeyClient(baseUrl: string, apiKey: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1, localAddress: '127.0.0.1' });
  const call = () =>
    new Promise<TimedAnswer>((done, fail) => {
      const started = performance.now();
      const req = request(`${baseUrl}/api/hooks/sync-sources`, { method: 'POST', agent, headers: { 'x-api-key': apiKey } }, (res) => {
        res.resume();
        res.on('end', () => done({ status: res.statusCode ?? 0, ms: performance.now() - started }));
      });
      req.on('error', fail);
      req.end();
    });
  return {
    /** Makes `count` calls one after another. */
    async calls(count: number): Promise<TimedAnswer[]> {
      const out: TimedAnswer[] = [];
      for (let i = 0; i < count; i++) out.push(await call());
      return out;
    },
    close: () => agent.destroy(),
  };
}

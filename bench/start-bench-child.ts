import { fork } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { ChildMessage } from './bench-child.js';

/** A running benchmark child and what it reported when ready. */
export interface BenchChild<Report> {
  readonly pid: number;
  readonly report: Report;
  /** Resident set size now, from /proc (bytes). */
  rssBytes(): Promise<number>;
  /** Asks the child to stop and waits until it has exited (killed after 15 s). */
  stop(): Promise<void>;
}

export interface BenchChildOptions {
  readonly args?: readonly string[];
  /** Extra Node options, e.g. `--cpu-prof`. */
  readonly nodeOptions?: readonly string[];
  /** How long the child may take to report ready. */
  readonly readyTimeoutMs?: number;
}

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** Reads VmRSS of a process, in bytes. */
export async function processRssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  if (kib === undefined) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kib) * 1024;
}

/**
 * Forks `bench/<script>` under tsx and waits for its report (see `runBenchChild`). The child's
 * stdout is discarded (a host's JSON log goes there, as it would to a log collector); its
 * stderr is passed through so crashes are visible.
 */
export function startBenchChild<Report>(script: string, options: BenchChildOptions = {}): Promise<BenchChild<Report>> {
  const child = fork(fileURLToPath(new URL(script, import.meta.url)), [...(options.args ?? [])], {
    cwd: repoRoot,
    execArgv: ['--import', 'tsx', ...(options.nodeOptions ?? [])],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    if (child.connected) child.send('stop');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${script} did not report ready within ${options.readyTimeoutMs ?? 120_000} ms`));
    }, options.readyTimeoutMs ?? 120_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited before it was ready (${signal ?? `code ${code}`})`));
    });
    child.on('message', (message: ChildMessage<Report>) => {
      clearTimeout(timer);
      if (message.type === 'failed') {
        reject(new Error(`${script} failed: ${message.message}`));
        return;
      }
      const pid = child.pid ?? 0;
      resolve({ pid, report: message.report, rssBytes: () => processRssBytes(pid), stop });
    });
  });
}

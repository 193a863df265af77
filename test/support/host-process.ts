import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ExecutionContext } from 'ava';

/** The real process entry (`core/main.ts`) running with a config file, as an operator starts it. */
export interface HostProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (or the signal's name) once it ended. */
  readonly exited: Promise<number | string | null>;
}

/**
 * Starts `node --import=tsx core/main.ts --config <configPath>` (or another `entry`, such as
 * `cli/main.ts serve`) and waits until it listens. The process is killed when the test ends, if
 * it still runs.
 */
export async function startHostProcess(
  t: ExecutionContext,
  configPath: string,
  env: NodeJS.ProcessEnv = {},
  entry: readonly string[] = ['core/main.ts'],
): Promise<HostProcess> {
  const child = spawn(process.execPath, ['--import=tsx', ...entry, '--config', configPath], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.teardown(() => void child.kill('SIGKILL'));
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | string | null>((done) => child.on('exit', (code, signal) => done(code ?? signal)));
  let ended = false;
  void exited.then(() => (ended = true));
  const deadline = Date.now() + 180_000;
  for (;;) {
    const url = /"url":"(http:[^"]+)"/.exec(output)?.[1];
    if (url) return { child, url, output: () => output, exited };
    if (ended || Date.now() > deadline) throw new Error(`the host process did not start:\n${output}`);
    await sleep(100);
  }
}

/** Polls `probe` every 250 ms until it returns a value, or fails after `timeoutMs`. */
export async function eventually<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

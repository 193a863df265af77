import { spawn } from 'node:child_process';

/** How a `rsgo` run ended. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout parsed as JSON (for `--json` runs). */
  json<T = Record<string, unknown>>(): T;
}

export interface CliRunOptions {
  /** Variables on top of a clean environment (no RSGO_* from the one running the tests). */
  readonly env?: NodeJS.ProcessEnv;
  /** Written to stdin, then closed; stdin is empty otherwise. */
  readonly stdin?: string;
  /** Folder to run in (the checkout by default). */
  readonly cwd?: string;
}

/** The environment of the test process without RSGO_* variables, so runs are reproducible. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('RSGO_')));
}

const CLI_ENTRY = new URL('../../cli/main.ts', import.meta.url).pathname;

/** Runs the real `rsgo` command as a child process (through tsx) and collects its output. */
export function runCli(args: readonly string[], options: CliRunOptions = {}): Promise<CliRun> {
  const child = spawn(process.execPath, ['--import=tsx', CLI_ENTRY, ...args], {
    cwd: options.cwd ?? new URL('../..', import.meta.url).pathname,
    env: { ...cleanEnv(), ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(options.stdin ?? '');
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code,
        stdout,
        stderr,
        json<T>() {
          try {
            return JSON.parse(stdout) as T;
          } catch {
            throw new Error(`stdout is not JSON (exit ${code}):\n${stdout}\nstderr:\n${stderr}`);
          }
        },
      }),
    );
  });
}

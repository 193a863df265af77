import { spawn } from 'node:child_process';

/** How a shell step ended. */
export interface ShellRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a pipeline step's script the way a CI runner does: `command` with `args` (e.g. `bash
 * --noprofile --norc -eo pipefail -c`), the script last, and only `env` plus PATH and HOME in
 * the environment.
 */
export function runShell(command: string, args: readonly string[], script: string, env: Readonly<Record<string, string>>): Promise<ShellRun> {
  const child = spawn(command, [...args, script], {
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

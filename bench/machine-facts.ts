import { execFile } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { promisify } from 'node:util';

/** What the figures were measured on. */
export interface MachineFacts {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  /** 1, 5 and 15 minute load averages. */
  readonly loadAverage: readonly number[];
  readonly docker: string | null;
  readonly dockerCompose: string | null;
}

async function versionOf(command: string, args: readonly string[]): Promise<string | null> {
  try {
    const { stdout } = await promisify(execFile)(command, [...args]);
    return stdout.trim().split('\n')[0] ?? null;
  } catch {
    return null;
  }
}

export async function machineFacts(): Promise<MachineFacts> {
  return {
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    loadAverage: loadavg().map((n) => Math.round(n * 100) / 100),
    docker: await versionOf('docker', ['version', '--format', '{{.Server.Version}}']),
    dockerCompose: await versionOf('docker-compose', ['version', '--short']),
  };
}

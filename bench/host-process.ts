import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { processRssBytes } from './start-bench-child.js';

/** A compiled host started as its own process, the way `npm start` runs it. */
export interface HostProcess {
  readonly pid: number;
  /** Milliseconds from spawn until `GET /healthz` first answered 200. */
  readonly msToHealthy: number;
  rssBytes(): Promise<number>;
  /** SIGTERM, then waits for the exit (killed after 15 s). */
  stop(): Promise<void>;
}

/** How often `/healthz` is asked while the host starts. */
const HEALTH_POLL_MS = 5;

/** Spawns `node --enable-source-maps <mainJs> --config <configPath>` and waits until the host is healthy. */
export async function startHostProcess(mainJs: string, configPath: string, url: string, env: NodeJS.ProcessEnv): Promise<HostProcess> {
  const started = performance.now();
  // As `npm start` runs it.
  const child = spawn(process.execPath, ['--enable-source-maps', mainJs, '--config', configPath], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = once(child, 'exit');
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the host exited with code ${child.exitCode} before it was healthy`);
    const healthy = await fetch(`${url}/healthz`).then(
      (response) => response.status === 200,
      () => false,
    );
    if (healthy) break;
    if (performance.now() - started > 120_000) {
      await stop();
      throw new Error('the host was not healthy within 120 s');
    }
    await sleep(HEALTH_POLL_MS);
  }
  const msToHealthy = performance.now() - started;
  const pid = child.pid ?? 0;
  return { pid, msToHealthy, rssBytes: () => processRssBytes(pid), stop };
}

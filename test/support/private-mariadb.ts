import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import knex from 'knex';
import { freePort } from './free-port.js';
import { eventually } from './host-process.js';

/** A MariaDB server of one test's own, which the test may stop, freeze and restart at will. */
export interface PrivateMariaDb {
  readonly port: number;
  /**
   * Creates an empty database and returns its URL. The server runs without grant tables, so
   * any user and password are accepted: the URL carries `password` so tests can look for it
   * (URL-encoded; give one that needs no encoding to search for it as is).
   */
  createDatabase(name: string, password: string): Promise<string>;
  /** Shuts the server down cleanly (SIGTERM) and waits until it has exited. */
  stop(): Promise<void>;
  /** Kills the server (SIGKILL), as a crash or a power cut of the database machine would. */
  kill(): Promise<void>;
  /**
   * Freezes the server (SIGSTOP): connections stay open, nothing answers. Resolves once every
   * thread of the server has stopped, not merely once the signal was sent.
   */
  freeze(): Promise<void>;
  /** Lets a frozen server go on (SIGCONT). */
  thaw(): void;
  /** Starts the server again on the same port and data folder; resolves once it answers. */
  start(): Promise<void>;
}

const READY_TIMEOUT_MS = 30_000;
const FREEZE_TIMEOUT_MS = 5_000;

/**
 * Whether every thread of a process is stopped. A stop signal reaches the threads one by one:
 * on a busy machine a thread can still answer a query for a while after `kill` has returned.
 */
async function allThreadsStopped(pid: number): Promise<boolean> {
  const threads = await readdir(`/proc/${pid}/task`);
  const states = await Promise.all(threads.map(async (tid) => {
    const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8').catch(() => '');
    // The state follows the command name, which is in parentheses and may itself hold spaces.
    return stat.charAt(stat.lastIndexOf(')') + 2);
  }));
  return states.every((state) => state === 'T' || state === 't' || state === '');
}

/**
 * Starts a `mariadbd` on a free port with a fresh data folder, never the shared server other
 * suites use. It runs with `--skip-grant-tables`, which needs no system tables, so it starts in
 * well under a second. Stopped and removed when the test ends.
 */
export async function startPrivateMariaDb(t: ExecutionContext): Promise<PrivateMariaDb> {
  const folder = await mkdtemp(join(tmpdir(), 'rsgo-mariadb-'));
  const dataDir = join(folder, 'data');
  await mkdir(dataDir);
  let port = await freePort();
  const args = () => [
    '--no-defaults',
    ...(process.getuid?.() === 0 ? ['--user=root'] : []),
    `--datadir=${dataDir}`,
    `--port=${port}`,
    '--bind-address=127.0.0.1',
    `--socket=${join(folder, 'mariadb.sock')}`,
    `--pid-file=${join(folder, 'mariadb.pid')}`,
    '--skip-grant-tables',
    '--skip-name-resolve',
    '--innodb-buffer-pool-size=16M',
    '--innodb-log-file-size=8M',
  ];
  let server: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  const logFile = join(folder, 'mariadb.log');

  // Quiet: while the server starts, knex would print every refused connection to the console.
  const quiet = { warn: () => {}, error: () => {}, debug: () => {}, deprecate: () => {} };
  const admin = () => knex({ client: 'mysql2', connection: { host: '127.0.0.1', port, user: 'root' }, pool: { min: 0, max: 1 }, log: quiet });

  const isRunning = (child: ChildProcess | null): child is ChildProcess => child !== null && child.exitCode === null && child.signalCode === null;

  const failedToStart = async (reason: string) => {
    const log = await readFile(logFile, 'utf8').catch(() => '');
    return new Error(`private MariaDB did not start: ${reason}\n${log.slice(-2000)}`);
  };

  /**
   * Waits until the server answers as this one: its port may have been taken by another
   * process between choosing it and binding it, and that server must never pass for ours.
   */
  const waitUntilReady = async (child: ChildProcess) => {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (!isRunning(child)) throw await failedToStart(`it exited (port ${port})`);
      const probe = admin();
      try {
        const [rows] = (await probe.raw('select @@datadir as datadir')) as [Array<{ datadir: string }>];
        if (rows[0]?.datadir.replace(/\/$/, '') === dataDir) return;
      } catch (err) {
        if (Date.now() > deadline) throw await failedToStart(String(err));
      } finally {
        await probe.destroy();
      }
      if (Date.now() > deadline) throw await failedToStart(`another server answers on port ${port}`);
      await new Promise((done) => setTimeout(done, 100));
    }
  };

  const start = async () => {
    const out = openSync(logFile, 'a');
    const child = spawn('mariadbd', args(), { stdio: ['ignore', out, out] });
    closeSync(out);
    server = child;
    exited = new Promise((done) => child.once('exit', () => done()));
    await waitUntilReady(child);
  };

  const signal = async (name: NodeJS.Signals) => {
    const running = server;
    if (!isRunning(running)) return;
    running.kill('SIGCONT'); // a frozen server could not act on the signal
    running.kill(name);
    await exited;
    server = null;
  };

  t.teardown(async () => {
    await signal('SIGKILL');
    await rm(folder, { recursive: true, force: true });
  });
  // A port taken before the first start only costs another port; later starts keep theirs.
  for (let attempt = 1; ; attempt++) {
    try {
      await start();
      break;
    } catch (err) {
      if (attempt === 3 || isRunning(server)) throw err;
      port = await freePort();
    }
  }

  return {
    port,
    async createDatabase(name, password) {
      const probe = admin();
      try {
        await probe.raw(`CREATE DATABASE \`${name}\``);
      } finally {
        await probe.destroy();
      }
      return `mysql://rsgo:${encodeURIComponent(password)}@127.0.0.1:${port}/${name}`;
    },
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
    async freeze() {
      const running = server;
      if (!isRunning(running) || running.pid === undefined) throw new Error('private MariaDB is not running');
      const { pid } = running;
      running.kill('SIGSTOP');
      await eventually('the private MariaDB to stop', FREEZE_TIMEOUT_MS, async () => ((await allThreadsStopped(pid)) ? true : undefined));
    },
    thaw: () => void server?.kill('SIGCONT'),
    start,
  };
}


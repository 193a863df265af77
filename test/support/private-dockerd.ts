import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ExecutionContext } from 'ava';

/** A Docker engine of one test's own, which the test may stop and start at will. */
export interface PrivateDockerd {
  /** `unix:///…/docker.sock`: an environment's `dockerHost`. */
  readonly dockerHost: string;
  /** Runs the docker command line client against this engine; resolves its trimmed stdout. */
  docker(...args: string[]): Promise<string>;
  /** Stops the engine cleanly (SIGTERM; it stops its containers) and waits until it has exited. */
  stop(): Promise<void>;
  /** Starts the engine again on the same socket and data; resolves once it answers. */
  start(): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;
const run = promisify(execFile);

/**
 * Starts a second `dockerd` beside the shared one: its own data root, exec root (and so its own
 * containerd), pid file and socket in a temp folder; a default bridge of its own and no iptables
 * rules, so it changes nothing of the machine's networking. Images come from the shared test
 * registry. Stopped, with everything it created, when the test ends.
 *
 * Two dockerd options delete the interface named `docker0` whoever owns it, taking the shared
 * engine's default bridge with it: `--bridge=none` (at every start), and
 * `--default-address-pool` (at every start that finds the default network of an earlier run in
 * its data root, that is a restart). Neither is used here: the private engine's networks come
 * from dockerd's built-in ranges, where it skips every subnet the machine already routes.
 */
export async function startPrivateDockerd(t: ExecutionContext): Promise<PrivateDockerd> {
  const folder = await mkdtemp(join(tmpdir(), 'rsgo-dockerd-'));
  const socket = join(folder, 'docker.sock');
  const dockerHost = `unix://${socket}`;
  const logFile = join(folder, 'dockerd.log');
  // Interface names have at most 15 characters.
  const bridge = `rsgo-br${randomBytes(4).toString('hex')}`;
  await run('ip', ['link', 'add', 'name', bridge, 'type', 'bridge']);
  const args = [
    `--data-root=${join(folder, 'root')}`,
    `--exec-root=${join(folder, 'exec')}`,
    `--pidfile=${join(folder, 'docker.pid')}`,
    `--host=${dockerHost}`,
    `--bridge=${bridge}`,
    '--iptables=false',
    '--ip6tables=false',
    // Works on any file system, also one that cannot hold overlay mounts; test images are tiny.
    '--storage-driver=vfs',
    '--shutdown-timeout=5',
  ];
  let daemon: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();

  const docker = async (...command: string[]) => {
    try {
      const { stdout } = await run('docker', ['--host', dockerHost, ...command], { maxBuffer: 16 * 1024 * 1024 });
      return stdout.trim();
    } catch (err) {
      const stderr = (err as { stderr?: string }).stderr?.trim();
      throw new Error(`docker ${command.join(' ')} failed${stderr ? `: ${stderr}` : ''}`, { cause: err });
    }
  };

  const start = async () => {
    const out = openSync(logFile, 'a');
    // A session of its own: a signal meant for the test runner's group does not reach it.
    const child = spawn('dockerd', args, { stdio: ['ignore', out, out], detached: true });
    closeSync(out);
    daemon = child;
    exited = new Promise((done) => child.once('exit', () => done()));
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      try {
        await docker('version', '--format', '{{.Server.Version}}');
        return;
      } catch (err) {
        if (child.exitCode !== null || Date.now() > deadline) {
          const log = await readFile(logFile, 'utf8').catch(() => '');
          throw new Error(`private dockerd did not start: ${String(err)}\n${log.slice(-3000)}`);
        }
      }
      await new Promise((done) => setTimeout(done, 200));
    }
  };

  const stop = async () => {
    const running = daemon;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    running.kill('SIGTERM');
    await exited;
    daemon = null;
  };

  t.teardown(async () => {
    // Containers first, so the engine shuts down fast and leaves no mounts behind; then the
    // networks, whose bridges would otherwise outlive the engine on the machine.
    if (daemon) {
      const containers = await docker('container', 'ls', '--all', '--quiet').catch(() => '');
      if (containers) await docker('container', 'rm', '--force', ...containers.split('\n')).catch(() => '');
      await docker('network', 'prune', '--force').catch(() => '');
    }
    await stop();
    await run('ip', ['link', 'delete', bridge]).catch(() => undefined);
    await rm(folder, { recursive: true, force: true }).catch(() => undefined);
  });
  await start();
  return { dockerHost, docker, stop, start };
}

/** The shared engine's default bridge as the machine has it: its name and IPv4 addresses (none when it is gone). */
export async function sharedDefaultBridge(): Promise<{ name: string; addresses: string[] }> {
  const { stdout: name } = await run('docker', ['network', 'inspect', 'bridge', '--format', '{{index .Options "com.docker.network.bridge.name"}}']);
  const bridge = name.trim();
  const shown = await run('ip', ['-json', '-4', 'address', 'show', 'dev', bridge]).catch(() => ({ stdout: '[]' }));
  const links = JSON.parse(shown.stdout) as Array<{ addr_info?: Array<{ local: string; prefixlen: number }> }>;
  return { name: bridge, addresses: links.flatMap((link) => (link.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}`)) };
}

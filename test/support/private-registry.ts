import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import { docker } from './docker-cli.js';
import { freePort } from './free-port.js';
import type { TestImage } from './test-images.js';

/** An image registry of one test's own, which the test may stop and start at will. */
export interface PrivateRegistry {
  /** `127.0.0.1:<port>`: the engine allows loopback registries without TLS. */
  readonly host: string;
  /** Copies an image of the shared test registry here under `<name>:<tag>`; returns the reference. */
  copy(image: TestImage, name: string, tag?: string): Promise<string>;
  /** Stops the registry and waits until it has exited: pulls from it fail from now on. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same storage; resolves once it accepts connections. */
  start(): Promise<void>;
}

const accepts = (port: number) =>
  new Promise<boolean>((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), done(true)));
    socket.once('error', () => done(false));
  });

/** The one account of a registry started with `withLogin`: a test-only password and its bcrypt hash (htpasswd). */
export const REGISTRY_LOGIN = {
  username: 'rsgo-test',
  password: 'registry-test-password',
  bcrypt: '$2b$05$erUdgeAQ95RUvzNTnucKUe1qm5hH2Q731J4fS3Chzc/D22k2JpXv.',
} as const;

/**
 * Starts `docker-registry` on a free loopback port with its own storage, never the shared
 * registry other suites push to. Stopped and removed when the test ends. With `withLogin`, it
 * answers only requests with {@link REGISTRY_LOGIN}'s credentials; `copy` pushes with a client
 * configuration of its own, so the engine itself never stores them.
 */
export async function startPrivateRegistry(t: ExecutionContext, options: { withLogin?: boolean } = {}): Promise<PrivateRegistry> {
  const folder = await mkdtemp(join(tmpdir(), 'rsgo-registry-'));
  const port = await freePort();
  const config = join(folder, 'registry.yml');
  await mkdir(join(folder, 'storage'));
  const htpasswd = join(folder, 'htpasswd');
  if (options.withLogin) await writeFile(htpasswd, `${REGISTRY_LOGIN.username}:${REGISTRY_LOGIN.bcrypt}\n`);
  const auth = options.withLogin ? `auth:\n  htpasswd: { realm: rsgo-test, path: ${htpasswd} }\n` : '';
  await writeFile(
    config,
    `version: 0.1\nlog: { level: error }\nstorage:\n  filesystem: { rootdirectory: ${join(folder, 'storage')} }\nhttp: { addr: 127.0.0.1:${port} }\n${auth}`,
  );
  let server: ChildProcess | null = null;

  const start = async () => {
    const child = spawn('docker-registry', ['serve', config], { stdio: 'ignore' });
    server = child;
    for (let wait = 0; wait < 200; wait++) {
      if (await accepts(port)) return;
      if (child.exitCode !== null) throw new Error(`docker-registry exited with ${child.exitCode}`);
      await new Promise((done) => setTimeout(done, 50));
    }
    throw new Error('the private registry did not start');
  };
  const stop = async () => {
    const running = server;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((done) => running.once('exit', done));
    running.kill('SIGTERM');
    await exited;
    server = null;
  };
  t.teardown(async () => {
    await stop();
    await rm(folder, { recursive: true, force: true });
  });
  await start();

  const host = `127.0.0.1:${port}`;
  return {
    host,
    async copy(image, name, tag = '1') {
      const ref = `${host}/${name}:${tag}`;
      await docker('pull', '--quiet', image.ref);
      await docker('tag', image.ref, ref);
      const client = ['--config', join(folder, 'client')];
      if (options.withLogin) await docker(...client, 'login', '--username', REGISTRY_LOGIN.username, '--password', REGISTRY_LOGIN.password, host);
      await docker(...client, 'push', '--quiet', ref);
      // Only the tags go: the next pull must come from the registry, as in production.
      await docker('image', 'rm', ref, image.ref);
      return ref;
    },
    stop,
    start,
  };
}

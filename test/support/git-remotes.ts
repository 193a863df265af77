/**
 * Real Git remotes for tests: bare repositories in a temp folder, served over file://, by
 * `git daemon` (git://) on a free loopback port, or by `git http-backend` behind an HTTP
 * server that demands Basic credentials.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { ExecutionContext } from 'ava';
import { freePort } from './free-port.js';

const run = promisify(execFile);

/** git with a fixed identity and no influence from the machine's git settings. */
const gitEnv = (): NodeJS.ProcessEnv => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('GIT_'))),
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
});

async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd, env: gitEnv() });
  return stdout.trim();
}

/** A bare repository and a working copy that commits and pushes to it. */
export interface GitRemote {
  /** The folder holding the bare repository (the base path the servers export). */
  readonly root: string;
  /** The bare repository's folder name below `root` (`stacks.git`). */
  readonly name: string;
  /** `file://` URL of the bare repository. */
  readonly fileUrl: string;
  /**
   * Writes `files` (path → content; null deletes) on `branch` (created from the current
   * branch when new), commits, pushes, and returns the commit id.
   */
  commit(files: Readonly<Record<string, string | null>>, options?: { branch?: string; message?: string }): Promise<string>;
  /** Deletes `branch` from the bare repository (not from the working copy). */
  deleteBranch(branch: string): Promise<void>;
}

/** Creates an empty bare repository whose default branch is `main`; deleted when the test ends. */
export async function createGitRemote(t: ExecutionContext): Promise<GitRemote> {
  const root = await mkdtemp(join(tmpdir(), 'rsgo-git-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  const name = 'stacks.git';
  const bare = join(root, name);
  const work = join(root, 'work');
  await git(root, 'init', '--quiet', '--bare', '--initial-branch=main', bare);
  await git(root, 'init', '--quiet', '--initial-branch=main', work);
  await git(work, 'remote', 'add', 'origin', bare);
  const branches = new Set<string>();

  return {
    root,
    name,
    fileUrl: `file://${bare}`,
    async commit(files, options = {}) {
      const branch = options.branch ?? 'main';
      const current = await git(work, 'symbolic-ref', '--short', 'HEAD');
      if (branch !== current) await git(work, 'checkout', '--quiet', ...(branches.has(branch) ? [branch] : ['-b', branch]));
      branches.add(branch);
      for (const [path, content] of Object.entries(files)) {
        const full = join(work, path);
        if (content === null) await rm(full, { force: true });
        else {
          await mkdir(dirname(full), { recursive: true });
          await writeFile(full, content);
        }
      }
      await git(work, 'add', '--all');
      await git(work, 'commit', '--quiet', '--allow-empty', '-m', options.message ?? 'update stacks');
      await git(work, 'push', '--quiet', 'origin', branch);
      return git(work, 'rev-parse', 'HEAD');
    },
    async deleteBranch(branch) {
      await git(bare, 'branch', '--quiet', '--delete', '--force', branch);
    },
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

/** A server the test can stop (to make the remote unreachable) before the test ends. */
export interface RunningRemote {
  /** URL of `remote`'s repository on this server. */
  readonly url: string;
  stop(): Promise<void>;
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill('SIGTERM');
  });
}

/**
 * Serves `remote` with `git daemon` on a free loopback port, or on `options.port` (to bring a
 * stopped remote back at the same address); stopped when the test ends.
 */
export async function startGitDaemon(t: ExecutionContext, remote: GitRemote, options: { port?: number } = {}): Promise<RunningRemote> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const port = options.port ?? (await freePort());
    const daemon = spawn(
      'git',
      ['daemon', '--export-all', '--reuseaddr', `--base-path=${remote.root}`, '--listen=127.0.0.1', `--port=${port}`, remote.root],
      { env: gitEnv(), stdio: 'ignore' },
    );
    const stop = () => stopProcess(daemon);
    t.teardown(stop);
    for (let wait = 0; wait < 100 && daemon.exitCode === null; wait += 1) {
      if (await accepts(port)) return { url: `git://127.0.0.1:${port}/${remote.name}`, stop };
      await new Promise((done) => setTimeout(done, 50));
    }
    await stop(); // the port was taken in between: try another (or the given one again)
  }
  throw new Error('git daemon did not start');
}

/** A TCP relay in front of a git daemon that can be told to stop answering (a hung remote). */
export interface StallingRemote {
  readonly url: string;
  /** From now on, accept connections and never answer. */
  stall(): void;
  /** Resolves once a stalled connection is open. */
  connected(): Promise<void>;
  /** Resolves once no stalled connection is open: every client gave up or was stopped. */
  allClosed(): Promise<void>;
}

/** Relays git:// connections to `daemon` until told to stall; stopped when the test ends. */
export async function startStallingRemote(t: ExecutionContext, daemon: RunningRemote): Promise<StallingRemote> {
  const target = new URL(daemon.url);
  let stalled = false;
  const sockets = new Set<Socket>();
  const open = new Set<Socket>();
  let waiters: Array<() => void> = [];
  const notify = () => {
    for (const waiter of waiters) waiter();
  };
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    if (!stalled) {
      const upstream = connect(Number(target.port), target.hostname);
      socket.pipe(upstream).pipe(socket);
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
      return;
    }
    open.add(socket);
    socket.once('close', () => (open.delete(socket), notify()));
    socket.resume(); // read (and drop) the request, so the client's hang-up is seen
    notify();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  t.teardown(
    () =>
      new Promise<void>((done) => {
        server.close(() => done());
        for (const socket of sockets) socket.destroy();
      }),
  );
  const until = (condition: () => boolean) =>
    new Promise<void>((done) => {
      const check = () => {
        if (!condition()) return;
        waiters = waiters.filter((waiter) => waiter !== check);
        done();
      };
      waiters.push(check);
      check();
    });
  return {
    url: `git://127.0.0.1:${port}${target.pathname}`,
    stall: () => {
      stalled = true;
    },
    connected: () => until(() => open.size > 0),
    allClosed: () => until(() => open.size === 0),
  };
}

/** Runs `git http-backend` as a CGI program for one request. */
function serveWithHttpBackend(root: string, request: IncomingMessage, response: ServerResponse): void {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  const backend = spawn('git', ['http-backend'], {
    env: {
      ...gitEnv(),
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      REQUEST_METHOD: request.method ?? 'GET',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      CONTENT_TYPE: request.headers['content-type'] ?? '',
      REMOTE_ADDR: '127.0.0.1',
      ...(request.headers['git-protocol'] ? { GIT_PROTOCOL: String(request.headers['git-protocol']) } : {}),
    },
  });
  request.pipe(backend.stdin);
  let head = Buffer.alloc(0);
  let headDone = false;
  backend.stdout.on('data', (chunk: Buffer) => {
    if (headDone) {
      response.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end === -1) return;
    headDone = true;
    let status = 200;
    for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
      const colon = line.indexOf(':');
      const field = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (field.toLowerCase() === 'status') status = Number.parseInt(value, 10);
      else response.setHeader(field, value);
    }
    response.statusCode = status;
    response.write(head.subarray(end + 4));
  });
  backend.on('close', () => response.end());
}

/**
 * Serves `remote` over smart HTTP on a free loopback port, answering 401 to any request
 * without exactly `username`/`password` as Basic credentials. `requests` records whether each
 * request carried credentials and its URL, to check that none travelled in the URL.
 */
export async function startGitHttpServer(
  t: ExecutionContext,
  remote: GitRemote,
  credentials: { username: string; password: string },
): Promise<RunningRemote & { readonly requests: Array<{ url: string; authorised: boolean }> }> {
  const expected = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  const requests: Array<{ url: string; authorised: boolean }> = [];
  const server = createServer((request, response) => {
    const authorised = request.headers.authorization === expected;
    requests.push({ url: request.url ?? '', authorised });
    if (!authorised) {
      response.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' }).end('credentials required\n');
      return;
    }
    serveWithHttpBackend(remote.root, request, response);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  let stopped: Promise<void> | null = null;
  const stop = () =>
    (stopped ??= new Promise<void>((done) => {
      server.close(() => done());
      server.closeAllConnections();
    }));
  t.teardown(stop);
  return { url: `http://127.0.0.1:${port}/${remote.name}`, stop, requests };
}

import test, { type ExecutionContext } from 'ava';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { eventually, startHostProcess } from '../support/host-process.js';
import { signIn } from '../support/host-installation.js';
import { useAuthHost } from '../support/api-keys.js';

const run = promisify(execFile);

/** What a raw connection got back: the status line of an answer (if any) once the host closed it. */
interface RawOutcome {
  readonly status: number | null;
}

/** Opens a connection from `localAddress`, writes `head`, and resolves once the host closes it. */
function rawConnection(port: number, localAddress: string, head: string): { socket: Socket; closed: Promise<RawOutcome> } {
  const socket = connect({ host: '127.0.0.1', port, localAddress });
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (received += chunk));
  // A reset is one way the host closes a connection; the outcome is what matters.
  socket.on('error', () => undefined);
  socket.write(head);
  const closed = new Promise<RawOutcome>((done) =>
    socket.once('close', () => done({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? NaN) || null })),
  );
  return { socket, closed };
}

const port = (url: string) => Number(new URL(url).port);

test('a hook refuses a caller without a valid key before reading its body, and closes the connection', async (t) => {
  const { host } = await useAuthHost(t, 'sqlite');
  // The body is announced and never sent: only an answer that does not wait for it arrives.
  const { closed } = rawConnection(
    port(host.url),
    '127.0.0.1',
    `POST /api/hooks/redeploy HTTP/1.1\r\nHost: rsgo\r\nContent-Type: application/json\r\nX-Api-Key: rsgo_${'A'.repeat(32)}\r\nContent-Length: 100000\r\n\r\n{"stackName":`,
  );
  t.is((await closed).status, 401);
});

test('a client that does not finish its request within the deadline gets 408 and its connection closed', async (t) => {
  const { host } = await useAuthHost(t, 'sqlite', { config: { server: { headersTimeoutSeconds: 1, requestTimeoutSeconds: 2 } } });
  const key = await host.createApiKey(['Hooks.Redeploy']);
  const slowHeaders = rawConnection(port(host.url), '127.0.0.1', 'GET /healthz HTTP/1.1\r\nHost: rsgo\r\n');
  // Even an authenticated caller may not take forever over its body.
  const slowBody = rawConnection(
    port(host.url),
    '127.0.0.1',
    `POST /api/hooks/redeploy HTTP/1.1\r\nHost: rsgo\r\nContent-Type: application/json\r\nX-Api-Key: ${key}\r\nContent-Length: 1000\r\n\r\n{`,
  );
  t.is((await slowHeaders.closed).status, 408);
  t.is((await slowBody.closed).status, 408);
});

test('connections beyond the cap of their address are closed at once; other addresses are still answered', async (t) => {
  const { host } = await useAuthHost(t, 'sqlite', { config: { server: { maxConnectionsPerAddress: 5, maxConnections: 50 } } });
  const held = Array.from({ length: 5 }, () => rawConnection(port(host.url), '127.0.0.2', 'GET /healthz HTTP/1.1\r\nHost: rsgo\r\n'));
  t.teardown(() => held.forEach(({ socket }) => socket.destroy()));
  await Promise.all(held.map(({ socket }) => once(socket, 'connect')));
  // The sixth from the same address is closed without an answer, however complete its request.
  const sixth = rawConnection(port(host.url), '127.0.0.2', 'GET /healthz HTTP/1.1\r\nHost: rsgo\r\nConnection: close\r\n\r\n');
  t.is((await sixth.closed).status, null);
  t.is((await host.request('GET', '/healthz')).status, 200, 'another address is answered');
  held.forEach(({ socket }) => socket.destroy());
  await Promise.all(held.map(({ closed }) => closed));
  // Their share is free again once the host has seen them go.
  const answered = await eventually('the address to be answered again', 30_000, async () => {
    const later = rawConnection(port(host.url), '127.0.0.2', 'GET /healthz HTTP/1.1\r\nHost: rsgo\r\nConnection: close\r\n\r\n');
    return (await later.closed).status ?? undefined;
  });
  t.is(answered, 200);
});

/** Flood addresses and how many connections each keeps trying to hold. */
const FLOOD_ADDRESSES = ['127.0.0.2', '127.0.0.3'];
const SLOTS_PER_ADDRESS = 600;
/** The host process's open-file limit for this test (a common default): the flood's connections alone would exceed it. */
const HOST_OPEN_FILES = 1024;
/** The flood ends by itself after this long, whatever happens to the test. */
const FLOOD_MAX_MS = 90_000;

/**
 * A slow-client flood, bounded and on loopback only: each slot holds one connection that sends
 * either its headers or (to a hook, with a made-up key) its body a byte per second, and opens a
 * new one a second after the host closed it. Half the slots send slow headers, half slow bodies.
 */
function slowClientFlood(t: ExecutionContext, hostPort: number) {
  let running = true;
  const sockets = new Set<Socket>();
  const outcomes = { answered: 0, closedUnanswered: 0 };
  let firstPending = FLOOD_ADDRESSES.length * SLOTS_PER_ADDRESS;
  let allStarted: () => void = () => undefined;
  /** Resolves once every slot's first connection was taken or refused. */
  const started = new Promise<void>((done) => (allStarted = done));
  const slot = (address: string, slowBody: boolean, first = false) => {
    if (!running) return;
    const head = slowBody
      ? `POST /api/hooks/redeploy HTTP/1.1\r\nHost: rsgo\r\nContent-Type: application/json\r\nX-Api-Key: rsgo_${'B'.repeat(32)}\r\nContent-Length: 1000000\r\n\r\n`
      : 'GET /healthz HTTP/1.1\r\nHost: rsgo\r\n';
    const { socket, closed } = rawConnection(hostPort, address, head);
    sockets.add(socket);
    if (first) {
      const settled = () => {
        socket.off('connect', settled);
        socket.off('close', settled);
        if (--firstPending === 0) allStarted();
      };
      socket.once('connect', settled);
      socket.once('close', settled);
    }
    const drip = setInterval(() => socket.write(slowBody ? ' ' : 'X-Slow: 1\r\n'), 1_000);
    void closed.then(({ status }) => {
      clearInterval(drip);
      sockets.delete(socket);
      if (status === null) outcomes.closedUnanswered++;
      else outcomes.answered++;
      setTimeout(() => slot(address, slowBody), 1_000);
    });
  };
  const stop = () => {
    running = false;
    for (const socket of sockets) socket.destroy();
  };
  const deadline = setTimeout(stop, FLOOD_MAX_MS);
  t.teardown(() => {
    clearTimeout(deadline);
    stop();
  });
  for (const address of FLOOD_ADDRESSES) for (let i = 0; i < SLOTS_PER_ADDRESS; i++) slot(address, i % 2 === 1, true);
  return { outcomes, stop, started };
}

test('under a slow-client flood the host process keeps answering /healthz and authenticated hooks', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'rsgo-slow-clients-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'stacks'));
  const configPath = join(dir, 'rsgo.yaml');
  // The default limits, as an operator gets them.
  await writeFile(
    configPath,
    'server: { port: 0 }\ndataDir: ./data\nplugins:\n  - use: api-key-auth\n  - use: local-directory-source\n    name: stacks\n    options: { path: ./stacks }\n',
  );
  const env = { RSGO_ADMIN_USER: 'admin', RSGO_ADMIN_PASSWORD: 'slow-client-admin-password' };
  const proc = await startHostProcess(t, configPath, env);
  // A modest open-file limit, as a service often has: without caps the flood would exhaust it.
  await run('prlimit', [`--pid=${proc.child.pid}`, `--nofile=${HOST_OPEN_FILES}:${HOST_OPEN_FILES}`]);
  const admin = await signIn(proc, env);
  const created = await admin.call('POST', '/api/api-keys', { name: 'pipeline', permissions: ['Hooks.SyncSources'] });
  const apiKey = String((created.body['apiKey'] as { fullKey: string }).fullKey);

  const flood = slowClientFlood(t, port(proc.url));
  await flood.started;
  const answers: number[] = [];
  for (let i = 0; i < 10; i++) {
    // A deadline for an answer at all, not a speed bound: a starved host never answers.
    const signal = AbortSignal.timeout(30_000);
    answers.push((await fetch(`${proc.url}/healthz`, { signal })).status);
    answers.push((await admin.hook('/api/hooks/sync-sources', apiKey, {})).status);
  }
  flood.stop();
  t.log(`flood outcomes: ${JSON.stringify(flood.outcomes)}`);
  t.deepEqual(answers, Array(20).fill(200), 'every probe was answered with 200');
  t.true(flood.outcomes.closedUnanswered > 0, 'connections beyond the caps were closed');
  t.true(flood.outcomes.answered > 0, 'slow bodies with a made-up key were refused without waiting for them');
});

import test, { type ExecutionContext } from 'ava';
import Router from '@koa/router';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../../core/http/create-app.js';
import { serveRouter } from '../../../core/http/route-table.js';
import type { RequestState } from '../../../core/http/request-state.js';
import { createHostHooks } from '../../../core/hooks/host-hooks.js';
import { createLogger } from '../../../core/logger.js';
// A code of its own, as a plugin may answer with.
import { InputError } from '../../../core/plugin-api.js';
import { useTestHost } from '../../support/test-host.js';

/** A bare app with routes that throw, listening on a free port; returns its URL and log. */
async function appWith(t: ExecutionContext, router: Router<RequestState>) {
  const logs: string[] = [];
  const log = createLogger({ level: 'debug', destination: { write: (line: string) => void logs.push(line) } });
  const app = createApp({ log, hooks: createHostHooks(), trustProxy: false, routes: serveRouter(router) });
  const server = createServer(app.callback());
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  t.teardown(() => new Promise<void>((done) => server.close(() => done())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, logs };
}

test('malformed JSON is a 400 with the error shape', async (t) => {
  const host = await useTestHost(t);
  const res = await host.request('POST', '/api/auth/login', { body: '{"username": ', headers: { 'content-type': 'application/json' } });
  t.is(res.status, 400);
  t.is(res.body['success'], false);
  t.is(res.body['code'], 'INVALID_JSON');
  t.regex(String(res.body['message']), /^Malformed JSON in request body/);
});

test('a malformed body is answered with where it broke, never with the text it held', async (t) => {
  const host = await useTestHost(t);
  // The parser's own message would quote `"password":hunter2hunter2` back.
  const unquoted = await host.request('POST', '/api/auth/login', { body: '{"username":"admin","password":hunter2hunter2}' });
  t.is(unquoted.status, 400);
  t.is(unquoted.body['message'], 'Malformed JSON in request body.');
  const cut = await host.request('POST', '/api/auth/login', { body: '{"username":"admin","password":"hunter2hunter2"' });
  t.is(cut.body['message'], 'Malformed JSON in request body at position 47.');
  t.false([unquoted.text, cut.text, ...host.logs].some((text) => text.includes('hunter2')));
});

test('a body over 1 MiB is a 413, declared or streamed', async (t) => {
  const host = await useTestHost(t);
  const big = JSON.stringify({ pad: 'x'.repeat(1024 * 1024) });
  const declared = await host.request('POST', '/api/auth/login', { body: big });
  t.is(declared.status, 413);
  t.is(declared.body['code'], 'PAYLOAD_TOO_LARGE');
  const streamed = await fetch(`${host.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: new Blob([big]).stream(),
    duplex: 'half',
  } as RequestInit);
  t.is(streamed.status, 413);
  // A hook reads no body before its caller is authenticated: a stranger gets 401, whatever it sent.
  t.is((await host.request('POST', '/api/hooks/redeploy', { body: big })).status, 401);
});

test('an unknown route is a JSON 404', async (t) => {
  const host = await useTestHost(t);
  const res = await host.request('GET', '/api/nothing-here');
  t.is(res.status, 404);
  t.deepEqual(Object.keys(res.body).sort(), ['code', 'message', 'requestId', 'success']);
  t.is(res.body['message'], 'No route for GET /api/nothing-here.');
});

test('a method a path does not take, known or unknown to HTTP, is a JSON 405 naming the allowed methods', async (t) => {
  const host = await useTestHost(t);
  for (const method of ['GET', 'PUT', 'PROPFIND']) {
    const res = await host.request(method, '/api/hooks/redeploy');
    t.is(res.status, 405, method);
    t.is(res.headers.get('allow'), 'POST', method);
    t.deepEqual(res.body, {
      success: false,
      message: `Method ${method} is not allowed on /api/hooks/redeploy. Allowed: POST.`,
      code: 'METHOD_NOT_ALLOWED',
      requestId: res.headers.get('x-request-id'),
    });
  }
});

test('a request the HTTP parser refuses gets the JSON error body, oversized headers a 431', async (t) => {
  const host = await useTestHost(t);
  const { port } = new URL(host.url);
  const exchange = (raw: string) =>
    new Promise<string>((done) => {
      let answer = '';
      const socket = connect(Number(port), '127.0.0.1', () => socket.end(raw));
      socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
      socket.on('close', () => done(answer));
    });
  const garbage = await exchange('NOT HTTP AT ALL\r\n\r\n');
  t.regex(garbage, /^HTTP\/1\.1 400 /);
  t.like(JSON.parse(garbage.split('\r\n\r\n')[1] ?? ''), { success: false, message: 'The request is not valid HTTP.', code: 'MALFORMED_REQUEST' });
  const huge = await exchange(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: ${'a'.repeat(20_000)}\r\n\r\n`);
  t.regex(huge, /^HTTP\/1\.1 431 /);
  t.like(JSON.parse(huge.split('\r\n\r\n')[1] ?? ''), { success: false, code: 'HEADERS_TOO_LARGE' });
  t.is((await host.request('GET', '/healthz')).status, 200);
});

test('every response carries X-Request-Id, echoing a sane one from the caller', async (t) => {
  const host = await useTestHost(t);
  const echoed = await host.request('GET', '/healthz', { headers: { 'x-request-id': 'ci-run-42' } });
  t.is(echoed.headers.get('x-request-id'), 'ci-run-42');
  const replaced = await host.request('GET', '/healthz', { headers: { 'x-request-id': 'bad id\twith spaces' } });
  t.regex(replaced.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
});

test('an unexpected throw is a 500 that leaks neither message nor stack, logged under the request id', async (t) => {
  const router = new Router<RequestState>();
  router.get('/boom', () => {
    throw new Error('connect to mysql://admin:hunter2@db failed');
  });
  const { url, logs } = await appWith(t, router);
  const res = await fetch(`${url}/boom`);
  const body = (await res.json()) as Record<string, unknown>;
  const requestId = res.headers.get('x-request-id');
  t.is(res.status, 500);
  t.deepEqual(body, { success: false, message: `Internal server error (request ${requestId}).`, code: 'INTERNAL', requestId });
  t.true(logs.some((line) => line.includes(String(requestId)) && line.includes('hunter2') && line.includes('"level":50')));
});

test('a 4xx host error shows its message and extra fields', async (t) => {
  const router = new Router<RequestState>();
  router.get('/bad', () => {
    throw new InputError('Variables are invalid.', { code: 'VARIABLES_INVALID', fields: { problems: ['PORT: must be a number'] } });
  });
  const { url } = await appWith(t, router);
  const res = await fetch(`${url}/bad`);
  t.is(res.status, 400);
  const body = (await res.json()) as Record<string, unknown>;
  t.like(body, { success: false, message: 'Variables are invalid.', code: 'VARIABLES_INVALID', problems: ['PORT: must be a number'] });
});

test('GET /healthz answers 200 while the database answers', async (t) => {
  const host = await useTestHost(t);
  const res = await host.request('GET', '/healthz');
  t.is(res.status, 200);
  t.is(res.body['status'], 'ok');
});

test('GET /healthz answers 503 when the database is gone', async (t) => {
  const host = await useTestHost(t);
  await host.host.store.destroy();
  const res = await host.request('GET', '/healthz');
  t.is(res.status, 503);
  t.is(res.body['code'], 'DATABASE_UNAVAILABLE');
});

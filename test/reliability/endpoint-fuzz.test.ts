import test, { type ExecutionContext } from 'ava';
import fc from 'fast-check';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { webhookPermissions } from '../../core/triggers/webhook-endpoints.js';
import { createKey, useAuthHost, type AuthTestHost } from '../support/api-keys.js';
import { servedRoutes, type ServedRoute } from '../support/served-routes.js';

/** Time budget of each property; what runs within it is bounded, not a fixed count. */
const PROPERTY_TIME_MS = 20_000;
/** A request slower than this counts as hung. */
const HANG_MS = 10_000;

/** Every field name any endpoint reads, so generated bodies reach past "field missing". */
const knownFields = [
  'name', 'permissions', 'environmentId', 'expiresAt', 'stackName', 'productId', 'stackDefinitionName', 'targetVersion',
  'variables', 'username', 'password', 'type', 'dockerHost', 'version', 'deploymentName',
];

const contentTypes = [
  'application/json', 'application/json; charset=utf-8', 'application/json; charset=utf-16', 'application/json; charset=bogus',
  'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream',
  'application/vnd.api+json', 'application/xml', '',
];

/** Header values a client can send at all (visible ASCII and spaces). */
const headerText = fc.stringMatching(/^[\x20-\x7e]{0,120}$/);

/** A body: none, any JSON, an object of known fields with any JSON values, or raw bytes. */
const bodies = fc.oneof(
  fc.constant(undefined),
  fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
  fc
    .dictionary(fc.constantFrom(...knownFields), fc.oneof(fc.string(), fc.jsonValue({ maxDepth: 3 })), { maxKeys: 6 })
    .map((value) => JSON.stringify(value)),
  fc.uint8Array({ maxLength: 300 }),
  fc.constantFrom('{', '{"name":', '[]', 'null', '"text"', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{}}}', `${'['.repeat(5000)}${']'.repeat(5000)}`),
);

/** A path parameter: UUIDs (right and wrong case), any text, and the classic troublemakers. */
const pathParams = fc.oneof(
  fc.uuid().map(encodeURIComponent),
  fc.string({ unit: 'grapheme', maxLength: 60 }).map(encodeURIComponent),
  fc.constantFrom('..', '%2e%2e%2f', '%00', '%', '%E0%A4%A', '%FF%FE', 'null', '0', '-1', 'a'.repeat(4_000), '%20'),
);

const queries = fc.oneof(
  fc.constant(''),
  fc.dictionary(fc.constantFrom('page', 'pageSize', 'environmentId', 'volumes', 'x'), fc.string({ maxLength: 20 }), { maxKeys: 3 }).map(
    (query) => `?${new URLSearchParams(query).toString()}`,
  ),
  fc.constantFrom('?page=1&page=2', '?pageSize=-1', '?page=99999999999999999999', '?%', '?pageSize=1e3', '?page[]=1'),
);

type Credential = 'none' | 'admin' | 'apiKey' | 'garbage';

interface FuzzHost {
  readonly auth: AuthTestHost;
  readonly apiKey: string;
  readonly routes: readonly ServedRoute[];
}

/** A built web UI of one page, so that paths outside the API reach the UI's file serving. */
async function webRootWithIndex(t: ExecutionContext): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'rsgo-fuzz-web-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  await writeFile(join(root, 'index.html'), '<!doctype html><title>rsgo</title>');
  return root;
}

async function fuzzHost(t: ExecutionContext): Promise<FuzzHost> {
  // Brakes off: the fuzz sends thousands of bad credentials and must keep reaching the routes.
  const auth = await useAuthHost(t, 'sqlite', {
    webRoot: await webRootWithIndex(t),
    pluginOptions: { maxFailures: 1_000_000 },
    config: { auth: { loginBrake: { maxFailures: 1_000_000, windowSeconds: 1, lockoutSeconds: 1 } } },
  });
  const key = await createKey(t, auth, { name: 'fuzz', permissions: [...webhookPermissions] });
  const routes = servedRoutes(auth.host.host.app);
  return { auth, apiKey: key.fullKey, routes };
}

function credentialHeaders(host: FuzzHost, credential: Credential, garbage: string): Record<string, string> {
  switch (credential) {
    case 'none':
      return {};
    case 'admin':
      return { authorization: `Bearer ${host.auth.token}` };
    case 'apiKey':
      return { 'x-api-key': host.apiKey };
    case 'garbage':
      return { 'x-api-key': garbage, authorization: garbage };
  }
}

interface Sent {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string | Uint8Array | undefined;
}

/** Sends one request; fails when it hangs, answers 5xx, or answers an error without the contract body. */
async function sendAndCheck(host: FuzzHost, sent: Sent): Promise<void> {
  const described = `${sent.method} ${sent.path.slice(0, 200)} ${JSON.stringify(sent.headers).slice(0, 300)}`;
  let response: Response;
  try {
    response = await fetch(host.auth.host.url + sent.path, {
      method: sent.method,
      headers: sent.headers,
      ...(sent.body === undefined ? {} : { body: sent.body }),
      signal: AbortSignal.timeout(HANG_MS),
    });
  } catch (err) {
    throw new Error(`no answer within ${HANG_MS} ms (or connection broken) for ${described}: ${String(err)}`, { cause: err });
  }
  const text = await response.text();
  if (response.status >= 500) throw new Error(`${response.status} for ${described}: ${text}`);
  if (response.status < 400 || sent.method === 'HEAD') return;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${response.status} without a JSON body for ${described}: ${text.slice(0, 200)}`);
  }
  const { success, message, code } = body as { success?: unknown; message?: unknown; code?: unknown };
  if (success !== false || typeof message !== 'string' || message === '' || typeof code !== 'string') {
    throw new Error(`${response.status} with a body off the contract for ${described}: ${text.slice(0, 300)}`);
  }
}

const fillPath = (route: ServedRoute, params: readonly string[]) =>
  route.params.reduce((path, name, i) => path.replace(`:${name}`, params[i] ?? 'x'), route.path);

/** Runs `property` for the time budget; logs how many cases ran. */
async function runFor<T>(t: ExecutionContext, label: string, property: fc.IAsyncProperty<[T]>): Promise<void> {
  const result = await fc.check(property, { numRuns: 100_000, interruptAfterTimeLimit: PROPERTY_TIME_MS, markInterruptAsFailure: false, includeErrorInReport: true });
  t.log(`${label}: ${result.numRuns} requests`);
  if (result.failed) t.fail(fc.defaultReportMessage(result) ?? 'property failed');
  else t.pass();
}

test('Every served endpoint answers generated bodies, headers, parameters and queries without a 5xx, a hang or an off-contract error body', async (t) => {
  const host = await fuzzHost(t);
  t.true(host.routes.length >= 10, `routes found: ${host.routes.map((r) => `${r.method} ${r.path}`).join(', ')}`);
  const requests = fc
    .record({
      route: fc.constantFrom(...host.routes),
      credential: fc.constantFrom<Credential>('none', 'admin', 'apiKey', 'garbage'),
      garbage: headerText,
      params: fc.array(pathParams, { minLength: 2, maxLength: 2 }),
      query: queries,
      body: bodies,
      contentType: fc.constantFrom(...contentTypes),
      requestId: headerText,
    })
    .map(({ route, credential, garbage, params, query, body, contentType, requestId }): Sent => ({
      method: route.method,
      path: fillPath(route, params) + query,
      headers: {
        ...credentialHeaders(host, credential, garbage),
        ...(contentType === '' ? {} : { 'content-type': contentType }),
        'x-request-id': requestId,
      },
      // GET and DELETE may carry a body too: a client is free to send one.
      body: route.method === 'GET' ? undefined : body,
    }));
  await runFor(t, 'served routes', fc.asyncProperty(requests, (sent) => sendAndCheck(host, sent)));
  t.is((await host.auth.host.request('GET', '/healthz')).status, 200, 'the host still serves');
});

test('Unknown paths and methods a route does not serve get a 404 or 405 with the error body', async (t) => {
  const host = await fuzzHost(t);
  const paths = fc.oneof(
    fc.constantFrom(...host.routes.map((route) => fillPath(route, ['x', 'y']))),
    fc.array(fc.stringMatching(/^[A-Za-z0-9._~%:@!$&'()*+,;=-]{0,12}$/), { minLength: 1, maxLength: 5 }).map((segments) => `/${segments.join('/')}`),
    fc.constantFrom('/api', '/api/', '/api/hooks', '/api/hooks/redeploy/', '//api//hooks', '/api/%2e%2e/healthz', '/api/hooks/REDEPLOY'),
  );
  const requests = fc
    .record({
      method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'PROPFIND'),
      path: paths,
      credential: fc.constantFrom<Credential>('none', 'admin', 'apiKey'),
    })
    .map(({ method, path, credential }): Sent => ({ method, path, headers: credentialHeaders(host, credential, ''), body: undefined }));
  await runFor(t, 'unknown paths and methods', fc.asyncProperty(requests, (sent) => sendAndCheck(host, sent)));
});

/** Sends raw bytes on a fresh connection and returns everything the host sent back. */
function rawExchange(url: string, bytes: Uint8Array): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((done, fail) => {
    let answer = '';
    const socket = connect(Number(port), hostname, () => socket.end(bytes));
    socket.setTimeout(HANG_MS, () => {
      socket.destroy();
      fail(new Error(`no answer within ${HANG_MS} ms to ${JSON.stringify(Buffer.from(bytes).toString('latin1').slice(0, 200))}`));
    });
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('error', () => done(answer));
    socket.on('close', () => done(answer));
  });
}

test('Bytes the HTTP parser cannot read get a JSON 400 or 431 and the host keeps serving', async (t) => {
  const host = await fuzzHost(t);
  const line = (text: string) => new TextEncoder().encode(text);
  const garbage = fc.oneof(
    // Blank lines before a request are allowed by HTTP and are no request at all: not asked.
    fc
      .uint8Array({ minLength: 1, maxLength: 400 })
      .filter((bytes) => bytes.some((byte) => byte !== 10 && byte !== 13))
      .map((bytes) => new Uint8Array([...bytes, 13, 10, 13, 10])),
    fc.stringMatching(/^[\x00-\x7f]{1,80}$/).map((junk) => line(`POST /api/hooks/redeploy HTTP/1.1\r\nHost: x\r\n${junk}\r\n\r\n`)),
    fc.constantFrom(
      line(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: ${'a'.repeat(20_000)}\r\n\r\n`),
      line('POST /api/hooks/redeploy HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n'),
      line('POST /api/hooks/redeploy HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'),
      line('GET /\u0000 HTTP/1.1\r\n\r\n'),
      line('GET / HTTP/9.9\r\n\r\n'),
    ),
  );
  const property = fc.asyncProperty(garbage, async (bytes) => {
    const answer = await rawExchange(host.auth.host.url, bytes);
    // The parser may also read the bytes as a request (then Koa answers); both must carry the body.
    const [head = '', body = ''] = answer.split('\r\n\r\n');
    const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
    if (!(status >= 400 && status < 500)) throw new Error(`status ${status} for ${JSON.stringify(Buffer.from(bytes).toString('latin1').slice(0, 120))}: ${answer.slice(0, 300)}`);
    const parsed = JSON.parse(body) as { success?: unknown; message?: unknown; code?: unknown };
    if (parsed.success !== false || typeof parsed.message !== 'string' || typeof parsed.code !== 'string') throw new Error(`body off the contract: ${body}`);
  });
  await runFor(t, 'unreadable requests', property);
  t.is((await host.auth.host.request('GET', '/healthz')).status, 200, 'the host still serves');
});

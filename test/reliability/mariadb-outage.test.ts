import test, { type ExecutionContext } from 'ava';
import { MYSQL_QUERY_TIMEOUT_MS } from '../../core/store/open-store.js';
import type { TestResponse } from '../../core/testing.js';
import { createKey, useAuthHost, type AuthTestHost } from '../support/api-keys.js';
import { startPrivateMariaDb } from '../support/private-mariadb.js';
import { uniqueSecret } from '../support/unique-secret.js';

/** Longest a request may take while the database is away or frozen: the query timeout plus slack. */
const OUTAGE_ANSWER_LIMIT_MS = MYSQL_QUERY_TIMEOUT_MS + 5_000;

interface TimedResponse extends TestResponse {
  readonly ms: number;
  readonly what: string;
}

/** One request of every kind the host serves, each touching the database. */
function everyKindOfRequest(auth: AuthTestHost, apiKey: string): Array<() => Promise<TimedResponse>> {
  const { host, token } = auth;
  const timed = (what: string, call: () => Promise<TestResponse>) => async (): Promise<TimedResponse> => {
    const started = performance.now();
    const res = await call();
    return { ...res, ms: performance.now() - started, what };
  };
  return [
    timed('health', () => host.request('GET', '/healthz')),
    timed('hook with a valid key', () => host.request('POST', '/api/hooks/sync-sources', { apiKey })),
    timed('hook with an unknown key', () => host.request('POST', '/api/hooks/sync-sources', { apiKey: `rsgo_${'Z'.repeat(32)}` })),
    timed('sign-in', () => host.request('POST', '/api/auth/login', { body: host.admin })),
    timed('list keys', () => host.request('GET', '/api/api-keys', { token })),
    timed('create key', () => host.request('POST', '/api/api-keys', { token, body: { name: 'during-outage', permissions: ['Hooks.Redeploy'] } })),
    timed('list environments', () => host.request('GET', '/api/environments', { token })),
    timed('create environment', () => host.request('POST', '/api/environments', { token, body: { name: 'during-outage' } })),
    timed('audit', () => host.request('GET', '/api/audit', { token })),
  ];
}

/** Every answer is a 503 naming the database and came back quickly. */
function assertQuick503s(t: ExecutionContext, answers: readonly TimedResponse[]): void {
  for (const res of answers) {
    t.is(res.status, 503, `${res.what}: ${res.text}`);
    t.is(res.body['success'], false, res.what);
    t.is(res.body['code'], 'DATABASE_UNAVAILABLE', res.what);
    t.regex(String(res.body['message']), /database/i, res.what);
    // A health probe is asked again anyway; callers doing work are told when to retry.
    if (res.what !== 'health') t.truthy(res.headers.get('retry-after'), res.what);
    t.true(res.ms < OUTAGE_ANSWER_LIMIT_MS, `${res.what} took ${Math.round(res.ms)} ms`);
  }
}

async function hostOnPrivateMariaDb(t: ExecutionContext) {
  const mariadb = await startPrivateMariaDb(t);
  const password = uniqueSecret('db-password');
  const url = await mariadb.createDatabase('rsgo', password);
  const auth = await useAuthHost(t, 'mysql', { database: { client: 'mysql', url } });
  const key = await createKey(t, auth, { name: 'pipeline', permissions: ['Hooks.SyncSources'] });
  return { mariadb, auth, key, password };
}

/** Asks every kind of request until all succeed again; returns how long that took. */
async function timeToRecover(auth: AuthTestHost, apiKey: string, limitMs: number): Promise<number> {
  const started = performance.now();
  for (;;) {
    const health = await auth.host.request('GET', '/healthz');
    const hook = await auth.host.request('POST', '/api/hooks/sync-sources', { apiKey });
    if (health.status === 200 && hook.status === 200) return performance.now() - started;
    if (performance.now() - started > limitMs) throw new Error(`not recovered after ${limitMs} ms: ${health.text} ${hook.text}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

test('While MariaDB is down every request gets a quick 503 naming the database, and the host recovers without a restart', async (t) => {
  const { mariadb, auth, key, password } = await hostOnPrivateMariaDb(t);
  t.is((await auth.host.request('POST', '/api/hooks/sync-sources', { apiKey: key.fullKey })).status, 200);

  await mariadb.stop();
  const answers = await Promise.all(everyKindOfRequest(auth, key.fullKey).map((call) => call()));
  assertQuick503s(t, answers);
  t.log(`answers during the outage: ${answers.map((a) => `${a.what} ${Math.round(a.ms)} ms`).join(', ')}`);

  await mariadb.start();
  const recoveredMs = await timeToRecover(auth, key.fullKey, 15_000);
  t.log(`recovered ${Math.round(recoveredMs)} ms after the server was back`);
  for (const call of everyKindOfRequest(auth, key.fullKey)) {
    const res = await call();
    t.true(res.status < 500, `${res.what} after recovery: ${res.text}`);
  }

  // Writes refused during the outage left nothing behind; the one made afterwards is whole.
  const keys = await auth.host.host.store('api_keys').where({ name: 'during-outage' });
  t.is(keys.length, 1, 'only the key created after recovery exists');
  const environments = await auth.host.host.store('environments').where({ name: 'during-outage' });
  t.is(environments.length, 1);
  t.false(auth.host.logs.some((line) => line.includes(password)), 'the database password never reaches the log');
  // The driver's complaints are lines of the host's log, not text on the console.
  t.true(auth.host.logs.some((line) => line.includes('"area":"database"') && line.includes('ECONNREFUSED')), 'the refused connections are logged');
});

test('A MariaDB killed outright (crash, power cut) answers like a clean stop, and a restart brings the host back', async (t) => {
  const { mariadb, auth, key } = await hostOnPrivateMariaDb(t);
  await mariadb.kill();
  assertQuick503s(t, await Promise.all(everyKindOfRequest(auth, key.fullKey).map((call) => call())));
  await mariadb.start();
  await timeToRecover(auth, key.fullKey, 15_000);
  const list = await auth.host.request('GET', '/api/api-keys', { token: auth.token });
  t.is(list.status, 200);
  t.deepEqual((list.body['apiKeys'] as Array<{ name: string }>).map((k) => k.name), ['pipeline']);
});

test('A frozen MariaDB that accepts connections but never answers does not make requests hang', async (t) => {
  const { mariadb, auth, key } = await hostOnPrivateMariaDb(t);
  await mariadb.freeze();
  const answers = await Promise.all(everyKindOfRequest(auth, key.fullKey).map((call) => call()));
  t.log(answers.map((a) => `${a.what} ${a.status} ${Math.round(a.ms)} ms`).join(', '));
  assertQuick503s(t, answers);
  mariadb.thaw();
  await timeToRecover(auth, key.fullKey, 15_000);
});

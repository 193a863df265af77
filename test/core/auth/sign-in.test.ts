import test, { type ExecutionContext } from 'ava';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, jwtVerify } from 'jose';
import { z } from 'zod';
import { ConfigError } from '../../../core/errors.js';
import { definePlugin } from '../../../core/plugin-api.js';
import { startTestHost, type TestHostOptions } from '../../../core/testing.js';
import { databaseConfig, databaseEngines, type DatabaseEngine } from '../../support/databases.js';
import { useTestHost } from '../../support/test-host.js';

const loginFailed = { success: false, message: 'Invalid username or password.', code: 'LOGIN_FAILED' };

/** A data folder and database that outlive one host, for restart tests. */
async function persistentConfig(t: ExecutionContext, engine: DatabaseEngine, extra: Record<string, unknown> = {}) {
  const dataDir = await mkdtemp(join(tmpdir(), 'rsgo-signin-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  return { ...extra, dataDir, database: await databaseConfig(t, engine) };
}

async function startAndStop(options: TestHostOptions) {
  const host = await startTestHost(options);
  return { host, stop: () => host.close() };
}

for (const engine of databaseEngines) {
  test(`the first admin comes from RSGO_ADMIN_USER and RSGO_ADMIN_PASSWORD, hashed with scrypt (${engine})`, async (t) => {
    const password = 'a-long-admin-password-1';
    const host = await useTestHost(t, { config: { database: await databaseConfig(t, engine) }, env: { RSGO_ADMIN_USER: 'Ops', RSGO_ADMIN_PASSWORD: password } });
    const res = await host.request('POST', '/api/auth/login', { body: { username: 'ops', password } });
    t.is((await host.request('POST', '/api/auth/login', { body: { username: 'OPS', password } })).status, 200, 'usernames ignore case on every engine');
    t.is(res.status, 200, res.text);
    t.is(res.body['success'], true);
    t.regex(String(res.body['token']), /^[\w-]+\.[\w-]+\.[\w-]+$/);
    const ttl = Date.parse(String(res.body['expiresAt'])) - Date.now();
    t.true(ttl > 59 * 60_000 && ttl <= 60 * 60_000, 'expires after the default 60 minutes');
    const rows = await host.host.store('users').select('username', 'password_hash');
    t.is(rows.length, 1);
    t.is(rows[0].username, 'ops');
    t.regex(rows[0].password_hash, /^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    t.false(host.logs.join('\n').includes(password), 'the given password is never logged');
    t.false(host.logs.join('\n').includes(String(res.body['token'])), 'nor the token');
  });

  test(`without RSGO_ADMIN_PASSWORD a random password is printed once, on the first start only (${engine})`, async (t) => {
    const config = await persistentConfig(t, engine);
    const first = await startAndStop({ config, env: {} });
    const line = first.host.logs.find((l) => l.includes('generated password'));
    const password = /generated password (\S+) /.exec(line ?? '')?.[1];
    t.truthy(password, 'the password is in the log');
    t.true((password ?? '').length >= 24);
    const ok = await first.host.request('POST', '/api/auth/login', { body: { username: 'admin', password } });
    t.is(ok.status, 200);
    await first.stop();
    const second = await startAndStop({ config, env: { RSGO_ADMIN_PASSWORD: 'would-be-ignored-now' } });
    t.teardown(second.stop);
    t.false(second.host.logs.some((l) => l.includes('generated password') || l.includes('first administrator')), 'printed once only');
    t.is((await second.host.request('POST', '/api/auth/login', { body: { username: 'admin', password } })).status, 200);
  });

  test(`wrong credentials get one 401 that does not say which part was wrong (${engine})`, async (t) => {
    const host = await useTestHost(t, { config: { database: await databaseConfig(t, engine) } });
    const wrongPassword = await host.request('POST', '/api/auth/login', { body: { username: host.admin.username, password: 'not-it' } });
    const unknownUser = await host.request('POST', '/api/auth/login', { body: { username: 'nobody', password: host.admin.password } });
    for (const res of [wrongPassword, unknownUser]) {
      t.is(res.status, 401);
      t.deepEqual(res.body, { ...loginFailed, requestId: res.headers.get('x-request-id') });
    }
    const padded = await host.request('POST', '/api/auth/login', { body: { username: host.admin.username, password: ` ${host.admin.password}` } });
    t.is(padded.status, 401, 'the password is compared as typed');
  });

  test(`the login brake refuses one address with 429 and Retry-After, not the others, and releases (${engine})`, async (t) => {
    const clock = testClock();
    const host = await useTestHost(t, {
      clock: clock.now,
      config: { database: await databaseConfig(t, engine), server: { trustProxy: true }, auth: { loginBrake: { maxFailures: 2, windowSeconds: 60, lockoutSeconds: 300 } } },
    });
    const from = (ip: string, password: string, username = host.admin.username) =>
      host.request('POST', '/api/auth/login', { body: { username, password }, headers: { 'x-forwarded-for': ip } });
    t.is((await from('203.0.113.7', 'guess-1', 'nobody-1')).status, 401);
    t.is((await from('203.0.113.7', 'guess-2', 'nobody-2')).status, 401);
    const braked = await from('203.0.113.7', host.admin.password);
    t.is(braked.status, 429, 'even the right password is refused while braked');
    t.is(braked.body['code'], 'RATE_LIMITED');
    t.is(braked.headers.get('retry-after'), '300');
    t.is((await from('203.0.113.8', host.admin.password)).status, 200, 'another address is not affected');
    clock.advance(299_000);
    t.is((await from('203.0.113.7', host.admin.password)).headers.get('retry-after'), '1', 'still braked one second before the end');
    clock.advance(1_001);
    t.is((await from('203.0.113.7', host.admin.password)).status, 200, 'released after the lockout');
  });

  test(`a parallel burst of wrong passwords has at most 5 evaluated; the rest get 429 (${engine})`, async (t) => {
    const host = await useTestHost(t, { config: { database: await databaseConfig(t, engine), server: { trustProxy: true } } });
    const burst = (ip: (i: number) => string, username: string) =>
      Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          host.request('POST', '/api/auth/login', { body: { username, password: `wrong-${i}` }, headers: { 'x-forwarded-for': ip(i) } }),
        ),
      );
    const statuses = (answers: readonly { status: number }[]) => answers.map((res) => res.status).sort();
    // One address, one user.
    const fromOne = await burst(() => '203.0.113.20', host.admin.username);
    t.deepEqual(statuses(fromOne), [...Array(5).fill(401), ...Array(55).fill(429)]);
    // One user from sixty addresses: the user is braked too.
    const atOneUser = await burst((i) => `198.51.100.${i + 1}`, 'ops');
    t.deepEqual(statuses(atOneUser), [...Array(5).fill(401), ...Array(55).fill(429)]);
    const evaluated = await host.host.store('audit_events').where({ action: 'auth.login', outcome: 'denied' }).count({ n: '*' }).first();
    t.is(Number(evaluated?.['n']), 10, 'only the evaluated attempts reached the password check');
  });
}

/** A clock the test moves by hand: lockouts end without waiting for them. */
function testClock() {
  let now = Date.now();
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

test('a login body with missing or mistyped fields is a 400', async (t) => {
  const host = await useTestHost(t);
  for (const body of [{}, { username: 'admin' }, { username: 42, password: 'x' }, { username: 'admin', password: ['x'] }, ['admin']]) {
    const res = await host.request('POST', '/api/auth/login', { body });
    t.is(res.status, 400, JSON.stringify(body));
    t.is(res.body['success'], false);
  }
});

test('the management API needs a valid session token; stale, forged and foreign tokens get the same 401', async (t) => {
  const host = await useTestHost(t);
  const token = await host.signIn();
  t.is((await host.request('GET', '/api/api-keys', { token })).status, 200);
  const secret = new TextEncoder().encode((await readFile(join(host.dataDir, 'token-secret'), 'utf8')).trim());
  const userId = String((await host.host.store('users').first('id')).id);
  const sign = (key: Uint8Array, exp: number, issuer = 'rsgo') =>
    new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(userId).setIssuer(issuer).setAudience('rsgo-api').setIssuedAt().setExpirationTime(exp).sign(key);
  const now = Math.floor(Date.now() / 1000);
  const parts = token.split('.');
  const cases = {
    none: undefined,
    expired: await sign(secret, now - 10),
    forged: await sign(new TextEncoder().encode('x'.repeat(40)), now + 600),
    foreignIssuer: await sign(secret, now + 600, 'someone-else'),
    tampered: `${parts[0]}.${Buffer.from(JSON.stringify({ sub: 'admin', exp: now + 600 })).toString('base64url')}.${parts[2]}`,
    garbage: 'not-a-jwt',
  };
  const bodies = [];
  for (const [name, candidate] of Object.entries(cases)) {
    const res = await host.request('GET', '/api/api-keys', candidate === undefined ? {} : { token: candidate });
    t.is(res.status, 401, name);
    bodies.push({ message: res.body['message'], code: res.body['code'] });
  }
  t.is(new Set(bodies.map((b) => JSON.stringify(b))).size, 1, 'one answer for every failure');
  t.like(bodies[0], { message: 'Sign-in required.', code: 'AUTH_REQUIRED' });
  // A stale token never blocks signing in again.
  const relogin = await host.request('POST', '/api/auth/login', { token: cases.expired, body: host.admin });
  t.is(relogin.status, 200);
});

test('the generated signing secret is kept 0600 in the data folder and survives a restart', async (t) => {
  const config = await persistentConfig(t, 'sqlite');
  const env = { RSGO_ADMIN_PASSWORD: 'restart-test-password' };
  const first = await startAndStop({ config, env });
  const token = await first.host.signIn();
  const secretFile = join(config.dataDir, 'token-secret');
  t.is((await stat(secretFile)).mode & 0o777, 0o600);
  const secret = await readFile(secretFile, 'utf8');
  await first.stop();
  const second = await startAndStop({ config, env });
  t.teardown(second.stop);
  t.is(await readFile(secretFile, 'utf8'), secret);
  t.is((await second.host.request('GET', '/api/api-keys', { token })).status, 200, 'a token from before the restart still works');
});

test('auth.tokenSecret and auth.tokenTtlMinutes from the config are used', async (t) => {
  const host = await useTestHost(t, { config: { auth: { tokenSecret: 's'.repeat(40), tokenTtlMinutes: 5 } } });
  const res = await host.request('POST', '/api/auth/login', { body: host.admin });
  const ttl = Date.parse(String(res.body['expiresAt'])) - Date.now();
  t.true(ttl > 4 * 60_000 && ttl <= 5 * 60_000);
  await t.throwsAsync(stat(join(host.dataDir, 'token-secret')), { code: 'ENOENT' });
  const { payload } = await jwtVerify(String(res.body['token']), new TextEncoder().encode('s'.repeat(40)), { issuer: 'rsgo', audience: 'rsgo-api' });
  t.is(payload.sub, String((await host.host.store('users').first('id')).id), 'tokens are signed with the configured secret');
});

test('a too short RSGO_ADMIN_PASSWORD stops the start', async (t) => {
  const err = await t.throwsAsync(useTestHost(t, { env: { RSGO_ADMIN_PASSWORD: 'short' } }), { instanceOf: ConfigError });
  t.regex(err?.message ?? '', /RSGO_ADMIN_PASSWORD: must be at least 12 characters/);
});

test('another sign-in method can be added by a plugin on the same authenticate hook', async (t) => {
  // Stands in for an OIDC or LDAP plugin: it owns its own bearer tokens; the core leaves them alone.
  const oidc = definePlugin({
    id: 'fake-oidc',
    apiVersion: '1.0',
    options: z.strictObject({}),
    setup({ hooks }) {
      hooks.authenticate.tap(async (request) => {
        if (request.headers['authorization'] !== 'Bearer idp-token-for-alice') return undefined;
        return { kind: 'user', id: 'idp:alice', name: 'alice', permissions: [], environmentId: null };
      });
    },
  });
  const host = await useTestHost(t, { plugins: { 'fake-oidc': oidc }, config: { plugins: [{ use: 'api-key-auth' }, { use: 'fake-oidc' }] } });
  t.is((await host.request('GET', '/api/environments', { token: 'idp-token-for-alice' })).status, 200);
  t.is((await host.request('GET', '/api/environments', { token: 'idp-token-for-mallory' })).status, 401);
});

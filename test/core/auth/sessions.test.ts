import test from 'ava';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SignJWT, decodeJwt } from 'jose';
import { ConfigError } from '../../../core/errors.js';
import type { AuditEvent } from '../../../core/audit/audit-event.js';
import { useAuthHost } from '../../support/api-keys.js';
import { createMysqlDatabase } from '../../support/databases.js';
import { useTestHost } from '../../support/test-host.js';

const signedOut = { success: false, message: 'Sign-in required.', code: 'AUTH_REQUIRED' };

test('a token without exp, or signed for longer than 12 hours, is refused even with the host secret and a live session', async (t) => {
  const host = await useTestHost(t);
  const token = await host.signIn();
  const { sub, jti, iat } = decodeJwt(token);
  const secret = new TextEncoder().encode((await readFile(join(host.dataDir, 'token-secret'), 'utf8')).trim());
  const resign = (exp: number | null) => {
    const jwt = new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(String(sub)).setIssuer('rsgo').setAudience('rsgo-api').setJti(String(jti)).setIssuedAt(Number(iat));
    return (exp === null ? jwt : jwt.setExpirationTime(exp)).sign(secret);
  };
  t.is((await host.request('GET', '/api/environments', { token: await resign(Number(iat) + 600) })).status, 200, 'the same claims with a short exp pass');
  for (const [name, exp] of [['no exp', null], ['13 hours', Number(iat) + 13 * 3600]] as const) {
    const res = await host.request('GET', '/api/environments', { token: await resign(exp) });
    t.is(res.status, 401, name);
  }
});

test('auth.tokenTtlMinutes longer than 12 hours stops the start', async (t) => {
  const err = await t.throwsAsync(useTestHost(t, { config: { auth: { tokenTtlMinutes: 12 * 60 + 1 } } }), { instanceOf: ConfigError });
  t.regex(err?.message ?? '', /auth\.tokenTtlMinutes/);
});

test('logout ends the session at once on every host sharing the MySQL database; other sessions go on', async (t) => {
  const database = { client: 'mysql', url: await createMysqlDatabase(t) };
  const config = { database, auth: { tokenSecret: 'shared-signing-secret-of-at-least-32-chars' } };
  const env = { RSGO_ADMIN_USER: 'admin', RSGO_ADMIN_PASSWORD: 'shared-admin-password' };
  const hostA = await useTestHost(t, { config, env });
  const hostB = await useTestHost(t, { config, env });
  const token = await hostA.signIn();
  const other = await hostA.signIn();
  t.is((await hostB.request('GET', '/api/environments', { token })).status, 200, 'a session of host A is valid on host B');
  const out = await hostA.request('POST', '/api/auth/logout', { token });
  t.is(out.status, 200, out.text);
  t.deepEqual(out.body, { success: true, message: 'Signed out.' });
  for (const host of [hostA, hostB]) {
    const res = await host.request('GET', '/api/environments', { token });
    t.is(res.status, 401);
    t.like(res.body, signedOut);
  }
  t.is((await hostB.request('GET', '/api/environments', { token: other })).status, 200, 'the other session is untouched');
  t.is((await hostA.request('POST', '/api/auth/logout', { token })).status, 401, 'an ended session cannot sign out again');
});

test('changing the password ends every other session of that user, keeps the one that changed it, and the new password signs in', async (t) => {
  const host = await useTestHost(t);
  const changer = await host.signIn();
  const elsewhere = await host.signIn();
  const newPassword = 'a-brand-new-password-2';
  const change = (token: string, body: unknown) => host.request('POST', '/api/auth/password', { token, body });
  t.is((await change(changer, { currentPassword: host.admin.password, newPassword: 'short' })).status, 400);
  const wrong = await change(changer, { currentPassword: 'not-the-password', newPassword });
  t.is(wrong.status, 401);
  t.is(wrong.body['code'], 'LOGIN_FAILED');
  t.is((await host.request('GET', '/api/environments', { token: elsewhere })).status, 200, 'a refused change ends nothing');
  const changed = await change(changer, { currentPassword: host.admin.password, newPassword });
  t.is(changed.status, 200, changed.text);
  t.is((await host.request('GET', '/api/environments', { token: elsewhere })).status, 401, 'the other session ended');
  t.is((await host.request('GET', '/api/environments', { token: changer })).status, 200, 'the changing session goes on');
  t.is((await host.request('POST', '/api/auth/login', { body: host.admin })).status, 401, 'the old password no longer signs in');
  t.is((await host.request('POST', '/api/auth/login', { body: { username: host.admin.username, password: newPassword } })).status, 200);
  t.false(host.logs.join('\n').includes(newPassword), 'the new password is never logged');
});

test('a password set offline (rsgo admin set-password) ends every session of that user', async (t) => {
  const host = await useTestHost(t);
  const token = await host.signIn();
  await host.host.users.setPassword(host.admin.username, 'set-by-the-operator-1');
  t.is((await host.request('GET', '/api/environments', { token })).status, 401);
});

test('every answer under /api/ carries Cache-Control: no-store, errors included; the web UI is not affected', async (t) => {
  const host = await useTestHost(t);
  const token = await host.signIn();
  const answers = {
    login: await host.request('POST', '/api/auth/login', { body: host.admin }),
    list: await host.request('GET', '/api/environments', { token }),
    unauthenticated: await host.request('GET', '/api/environments'),
    unknownRoute: await host.request('GET', '/api/no-such-thing', { token }),
    badInput: await host.request('POST', '/api/auth/login', { body: '{not json' }),
  };
  for (const [name, res] of Object.entries(answers)) t.is(res.headers.get('cache-control'), 'no-store', `${name}: ${res.status}`);
  t.not((await host.request('GET', '/healthz')).headers.get('cache-control'), 'no-store');
});

test('auth.rejected audit rows record the first 12 characters of the key tried, never more', async (t) => {
  const { host, token } = await useAuthHost(t, 'sqlite');
  const tried = ['rsgo_UnknownKeyUnknownKeyUnknownKey1', 'x'.repeat(200), 'short'];
  for (const key of tried) t.is((await host.request('POST', '/api/hooks/sync-sources', { apiKey: key })).status, 401);
  const res = await host.request('GET', '/api/audit', { token });
  const rejected = (res.body['events'] as AuditEvent[]).filter((event) => event.action === 'auth.rejected');
  t.deepEqual(rejected.map((event) => event.keyPrefix).sort(), ['rsgo_Unknown', 'short', 'xxxxxxxxxxxx']);
  const rows = await host.host.store('audit_events').select('*');
  const stored = JSON.stringify(rows);
  t.false(stored.includes(tried[0]!.slice(0, 13)), 'no more of the key than its prefix is stored anywhere in the row');
});

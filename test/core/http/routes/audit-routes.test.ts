import test from 'ava';
import type { AuditEvent } from '../../../../core/audit/audit-event.js';
import { createKey, defaultEnvironmentId, useAuthHost } from '../../../support/api-keys.js';
import { databaseEngines } from '../../../support/databases.js';

for (const engine of databaseEngines) {
  test(`sign-ins, key creation and revocation, refusals and every hook call are audited, newest first (${engine})`, async (t) => {
    const auth = await useAuthHost(t, engine);
    const { host, token } = auth;
    const environmentId = await defaultEnvironmentId(auth);
    await host.request('POST', '/api/auth/login', { body: { username: host.admin.username, password: 'wrong-password' } });
    const key = await createKey(t, auth, { name: 'audited', permissions: ['Hooks.Redeploy'], environmentId });
    await host.request('POST', '/api/hooks/redeploy', { apiKey: key.fullKey, body: { stackName: 'demo' } });
    await host.request('POST', '/api/hooks/sync-sources', { apiKey: key.fullKey });
    await host.request('POST', '/api/hooks/upgrade');
    await host.request('POST', '/api/hooks/sync-sources', { apiKey: `rsgo_${'Z'.repeat(32)}` });
    await host.request('DELETE', `/api/api-keys/${key.id}`, { token });

    const res = await host.request('GET', '/api/audit', { token });
    t.is(res.status, 200);
    const events = res.body['events'] as AuditEvent[];
    t.like(res.body, { page: 1, pageSize: 50, total: events.length });
    t.deepEqual(
      events.map((e) => [e.action, e.outcome, e.status]),
      [
        ['apiKey.revoked', 'success', 200],
        ['auth.rejected', 'denied', 401],
        ['hook.call', 'denied', 401],
        ['hook.call', 'denied', 403],
        ['hook.call', 'failure', 400],
        ['apiKey.created', 'success', 201],
        ['auth.login', 'denied', 401],
        ['auth.login', 'success', 200],
      ],
    );
    const ids = events.map((e) => e.id);
    t.deepEqual(ids, [...ids].sort((a, b) => b - a), 'newest first');

    const [revoked, rejected, anonymous, forbidden, redeploy, created, failedSignIn, signIn] = events;
    t.like(redeploy, {
      actorKind: 'apiKey', actorId: key.id, actorName: 'audited', endpoint: 'POST /api/hooks/redeploy', target: 'demo', environmentId,
      code: 'DEPLOYMENT_NOT_FOUND', message: `No deployment found for stack 'demo' in environment '${environmentId}'.`,
    });
    t.regex(String(redeploy?.clientIp), /127\.0\.0\.1/);
    t.true(typeof redeploy?.durationMs === 'number' && redeploy.durationMs >= 0);
    t.like(forbidden, { actorId: key.id, endpoint: 'POST /api/hooks/sync-sources', code: 'FORBIDDEN' });
    t.like(anonymous, { actorId: null, endpoint: 'POST /api/hooks/upgrade', code: 'AUTH_INVALID' });
    t.like(rejected, { actorId: null, endpoint: 'POST /api/hooks/sync-sources', message: 'unknown key' });
    t.like(created, { actorKind: 'user', actorName: host.admin.username, target: `audited (${key.id})`, environmentId });
    t.like(revoked, { actorKind: 'user', target: `audited (${key.id})` });
    t.like(signIn, { actorKind: 'user', actorName: host.admin.username, endpoint: 'POST /api/auth/login' });
    t.like(failedSignIn, { actorName: host.admin.username, message: 'wrong password' });

    for (const secret of [key.fullKey.slice(12), token, host.admin.password, 'wrong-password']) t.false(res.text.includes(secret));
  });

  test(`the audit trail is paged and for signed-in users only (${engine})`, async (t) => {
    const auth = await useAuthHost(t, engine);
    const { host, token } = auth;
    const key = await createKey(t, auth, { name: 'pager', permissions: ['Hooks.SyncSources'] });
    for (let i = 0; i < 4; i++) await host.request('POST', '/api/hooks/sync-sources', { apiKey: key.fullKey });
    const all = (await host.request('GET', '/api/audit?pageSize=200', { token })).body['events'] as AuditEvent[];
    const second = await host.request('GET', '/api/audit?page=2&pageSize=2', { token });
    t.like(second.body, { page: 2, pageSize: 2, total: all.length });
    t.deepEqual((second.body['events'] as AuditEvent[]).map((e) => e.id), all.slice(2, 4).map((e) => e.id));
    for (const query of ['page=0', 'pageSize=201', 'page=x', 'pageSize=-1']) t.is((await host.request('GET', `/api/audit?${query}`, { token })).status, 400, query);
    t.is((await host.request('GET', '/api/audit')).status, 401);
    t.is((await host.request('GET', '/api/audit', { apiKey: key.fullKey })).status, 403);
  });
}

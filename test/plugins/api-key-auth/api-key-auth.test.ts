import test from 'ava';
import { ConfigError } from '../../../core/errors.js';
import type { Caller } from '../../../core/auth/caller.js';
import { emptyWebhookHandlers } from '../../support/empty-webhook-handlers.js';
import type { WebhookHandlers } from '../../../core/triggers/webhook-handlers.js';
import { assertInvalidKey, createKey, defaultEnvironmentId, useAuthHost } from '../../support/api-keys.js';
import { databaseEngines } from '../../support/databases.js';
import { useTestHost } from '../../support/test-host.js';


/** Sync handlers that remember the caller the routes passed on. */
function recordingHandlers(seen: Caller[]): WebhookHandlers {
  return {
    ...emptyWebhookHandlers,
    syncSources: (caller) => {
      seen.push(caller);
      return emptyWebhookHandlers.syncSources(caller);
    },
  };
}

for (const engine of databaseEngines) {
  test(`missing, malformed, unknown, revoked and expired keys all get the same 401 (${engine})`, async (t) => {
    const auth = await useAuthHost(t, engine);
    const revoked = await createKey(t, auth, { name: 'revoked', permissions: ['Hooks.SyncSources'] });
    await auth.host.request('DELETE', `/api/api-keys/${revoked.id}`, { token: auth.token });
    const expiring = await createKey(t, auth, { name: 'expiring', permissions: ['Hooks.SyncSources'], expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    t.is((await auth.host.request('POST', '/api/hooks/sync-sources', { apiKey: expiring.fullKey })).status, 200, 'valid until it expires');
    // Let the expiry pass without waiting for it (a wait would race a loaded machine's clock).
    await auth.host.host.store('api_keys').where({ id: expiring.id }).update({ expires_at: new Date(Date.now() - 1_000).toISOString() });
    const sync = (apiKey?: string) => auth.host.request('POST', '/api/hooks/sync-sources', apiKey === undefined ? {} : { apiKey });
    assertInvalidKey(t, await sync());
    assertInvalidKey(t, await sync(''));
    assertInvalidKey(t, await sync('not-a-key'));
    assertInvalidKey(t, await sync(`rsgo_${'A'.repeat(32)}`));
    assertInvalidKey(t, await sync(revoked.fullKey));
    assertInvalidKey(t, await sync(expiring.fullKey));
    assertInvalidKey(t, await auth.host.request('POST', '/api/hooks/redeploy', { headers: { authorization: `ApiKey ${expiring.fullKey}` }, body: { stackName: 'x' } }));
  });

  test(`a valid key becomes an apiKey principal with its permissions and environment (${engine})`, async (t) => {
    const seen: Caller[] = [];
    const auth = await useAuthHost(t, engine, { webhookHandlers: recordingHandlers(seen) });
    const environmentId = await defaultEnvironmentId(auth);
    const key = await createKey(t, auth, { name: 'pipeline', permissions: ['Hooks.SyncSources', 'Hooks.Upgrade'], environmentId });
    const res = await auth.host.request('POST', '/api/hooks/sync-sources', { apiKey: key.fullKey });
    t.is(res.status, 200);
    const principal = { kind: 'apiKey', id: key.id, name: 'pipeline', permissions: ['Hooks.SyncSources', 'Hooks.Upgrade'], environmentId };
    t.deepEqual(seen.map(({ principal, requestId }) => ({ principal, requestId })), [{ principal, requestId: res.headers.get('x-request-id') }]);
    t.regex(String(res.body['operationId']), /^[0-9a-f-]{36}$/);
    t.is(seen[0]?.operationId, String(res.body['operationId']), 'the handler learns which operation the call became');
  });

  test(`authentication is one indexed lookup by hash, never a scan (${engine})`, async (t) => {
    const auth = await useAuthHost(t, engine);
    for (let i = 0; i < 5; i++) await createKey(t, auth, { name: `other-${i}`, permissions: ['Hooks.Redeploy'] });
    const key = await createKey(t, auth, { name: 'mine', permissions: ['Hooks.SyncSources'] });
    const store = auth.host.host.store;
    const queries: Array<{ sql: string; bindings: string[] }> = [];
    store.on('query', (q: { sql: string; bindings: string[] }) => {
      if (q.sql.includes('api_keys')) queries.push(q);
    });
    t.is((await auth.host.request('POST', '/api/hooks/sync-sources', { apiKey: key.fullKey })).status, 200);
    t.is(queries.length, 1, 'one query touches api_keys');
    const [lookup] = queries;
    t.regex(lookup?.sql ?? '', /where [`"]?key_hash[`"]? = \?/);
    if (engine === 'sqlite') {
      const plan = (await store.raw(`EXPLAIN QUERY PLAN ${lookup?.sql}`, lookup?.bindings ?? [])) as Array<{ detail: string }>;
      t.regex(plan.map((p) => p.detail).join(' '), /SEARCH .*api_keys USING INDEX .*key_hash/);
    } else {
      const [plan] = (await store.raw(`EXPLAIN ${lookup?.sql}`, lookup?.bindings ?? [])) as [Array<{ key: string | null; type: string }>];
      t.regex(String(plan[0]?.key), /key_hash/);
      t.is(plan[0]?.type, 'const');
    }
  });

  test(`the brake refuses an address with 429 + Retry-After after repeated failures, spares others, and releases (${engine})`, async (t) => {
    let now = Date.now();
    const auth = await useAuthHost(t, engine, { clock: () => now, config: { server: { trustProxy: true } }, pluginOptions: { maxFailures: 3, windowSeconds: 60, lockoutSeconds: 300 } });
    const key = await createKey(t, auth, { name: 'ci', permissions: ['Hooks.SyncSources'] });
    const from = (ip: string, apiKey: string) => auth.host.request('POST', '/api/hooks/sync-sources', { apiKey, headers: { 'x-forwarded-for': ip } });
    for (let i = 0; i < 3; i++) assertInvalidKey(t, await from('198.51.100.9', `rsgo_${'G'.repeat(31)}${i}`));
    const braked = await from('198.51.100.9', key.fullKey);
    t.is(braked.status, 429, 'a valid key from a braked address is refused too');
    t.is(braked.headers.get('retry-after'), '300');
    t.like(braked.body, { success: false, code: 'RATE_LIMITED' });
    t.is((await from('198.51.100.10', key.fullKey)).status, 200, 'another address is not affected');
    // The host's clock moves; nobody waits five minutes.
    now += 299_000;
    t.is((await from('198.51.100.9', key.fullKey)).status, 429, 'still refused a second before the end');
    now += 1_001;
    t.is((await from('198.51.100.9', key.fullKey)).status, 200, 'released');
  });

  test(`a parallel burst of unknown keys from one address has at most maxFailures looked up; the rest get 429 (${engine})`, async (t) => {
    const auth = await useAuthHost(t, engine, { config: { server: { trustProxy: true } } });
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        auth.host.request('POST', '/api/hooks/sync-sources', { apiKey: `rsgo_${'H'.repeat(30)}${String(i).padStart(2, '0')}`, headers: { 'x-forwarded-for': '198.51.100.30' } }),
      ),
    );
    t.deepEqual(answers.map((res) => res.status).sort(), [...Array(10).fill(401), ...Array(30).fill(429)]);
  });

  test(`a key never appears in the log or the audit trail, whatever happens to it (${engine})`, async (t) => {
    const auth = await useAuthHost(t, engine);
    const key = await createKey(t, auth, { name: 'secret-keeper', permissions: ['Hooks.SyncSources'] });
    const near = key.fullKey.slice(0, -1) + (key.fullKey.endsWith('a') ? 'b' : 'a');
    await auth.host.request('POST', '/api/hooks/sync-sources', { apiKey: key.fullKey });
    await auth.host.request('POST', '/api/hooks/redeploy', { apiKey: key.fullKey, body: { stackName: 'x' } });
    await auth.host.request('GET', '/api/api-keys', { apiKey: key.fullKey });
    await auth.host.request('POST', '/api/hooks/sync-sources', { apiKey: near });
    await auth.host.request('DELETE', `/api/api-keys/${key.id}`, { token: auth.token });
    await auth.host.request('POST', '/api/hooks/sync-sources', { apiKey: key.fullKey });
    const secretPart = key.fullKey.slice(12);
    const log = auth.host.logs.join('\n');
    t.true(log.includes('API key rejected'), 'refusals are logged');
    for (const secret of [secretPart, near.slice(12), auth.token, auth.host.admin.password]) t.false(log.includes(secret));
    const audit = JSON.stringify(await auth.host.host.store('audit_events').select());
    for (const secret of [secretPart, near.slice(12), auth.token, auth.host.admin.password]) t.false(audit.includes(secret));
    t.true(audit.includes('revoked key'), 'the audit says why a known key was refused');
  });
}

test('bad plugin options stop the start', async (t) => {
  const err = await t.throwsAsync(useTestHost(t, { config: { plugins: [{ use: 'api-key-auth', options: { maxFailures: 0, lockout: 5 } }] } }), {
    instanceOf: ConfigError,
  });
  t.regex(err?.message ?? '', /plugins\[0\]\.options\.maxFailures/);
  t.regex(err?.message ?? '', /unknown key\(s\) 'lockout'/);
});

test('a database outage during authentication is a 503, not a plugin crash', async (t) => {
  const auth = await useAuthHost(t, 'sqlite');
  const key = await createKey(t, auth, { name: 'k', permissions: ['Hooks.SyncSources'] });
  await auth.host.host.store.destroy();
  const withKey = await auth.host.request('POST', '/api/hooks/sync-sources', { apiKey: key.fullKey });
  t.is(withKey.status, 503);
  t.is(withKey.body['code'], 'DATABASE_UNAVAILABLE');
  const withToken = await auth.host.request('GET', '/api/api-keys', { token: auth.token });
  t.is(withToken.status, 503);
});

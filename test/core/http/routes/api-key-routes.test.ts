import test from 'ava';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '../../../../core/config/load-config.js';
import { openStore } from '../../../../core/store/open-store.js';
import { hashApiKey } from '../../../../core/api-keys/api-key-format.js';
import { assertInvalidKey, createKey, defaultEnvironmentId, useAuthHost } from '../../../support/api-keys.js';
import { databaseConfig, databaseEngines } from '../../../support/databases.js';

const summaryFields = ['createdAt', 'environmentId', 'expiresAt', 'id', 'isRevoked', 'keyPrefix', 'lastUsedAt', 'name', 'permissions', 'revokedAt'];

for (const engine of databaseEngines) {
  test(`create answers 201 with the full key once; only its SHA-256 hash is stored (${engine})`, async (t) => {
    const auth = await useAuthHost(t, engine);
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const res = await auth.host.request('POST', '/api/api-keys', {
      token: auth.token,
      body: { name: 'Azure DevOps Deploy', permissions: ['Hooks.Redeploy', 'Hooks.Upgrade'], expiresAt },
    });
    t.is(res.status, 201, res.text);
    t.is(res.body['success'], true);
    const key = res.body['apiKey'] as Record<string, unknown>;
    t.deepEqual(Object.keys(key).sort(), ['createdAt', 'environmentId', 'expiresAt', 'fullKey', 'id', 'keyPrefix', 'name', 'permissions']);
    const fullKey = String(key['fullKey']);
    t.regex(fullKey, /^rsgo_[A-Za-z0-9]{32}$/);
    t.is(key['keyPrefix'], fullKey.slice(0, 12));
    t.regex(String(key['id']), /^[0-9a-f-]{36}$/);
    t.like(key, { name: 'Azure DevOps Deploy', permissions: ['Hooks.Redeploy', 'Hooks.Upgrade'], environmentId: null, expiresAt });

    const rows = await auth.host.host.store('api_keys').select();
    t.is(rows.length, 1);
    t.is(rows[0].key_hash, hashApiKey(fullKey));
    t.false(JSON.stringify(rows).includes(fullKey.slice(12)), 'no column holds the secret part of the key');

    const list = await auth.host.request('GET', '/api/api-keys', { token: auth.token });
    t.false(list.text.includes(fullKey.slice(12)), 'the list never shows the key');
    t.false(list.text.includes(hashApiKey(fullKey)), 'nor its hash');
  });

  test(`the list shows every key with exactly the documented fields, revoked ones included (${engine})`, async (t) => {
    const auth = await useAuthHost(t, engine);
    const environmentId = await defaultEnvironmentId(auth);
    const empty = await auth.host.request('GET', '/api/api-keys', { token: auth.token });
    t.deepEqual(empty.body, { apiKeys: [] });
    const scoped = await createKey(t, auth, { name: 'scoped', permissions: ['Hooks.SyncSources'], environmentId });
    const plain = await createKey(t, auth, { name: 'plain', permissions: ['Hooks.Redeploy'] });
    t.is((await auth.host.request('DELETE', `/api/api-keys/${plain.id}`, { token: auth.token })).status, 200);
    const list = (await auth.host.request('GET', '/api/api-keys', { token: auth.token })).body['apiKeys'] as Record<string, unknown>[];
    t.deepEqual(list.map((k) => k['name']), ['plain', 'scoped']);
    for (const item of list) t.deepEqual(Object.keys(item).sort(), summaryFields);
    t.like(list[1], { id: scoped.id, keyPrefix: scoped.keyPrefix, permissions: ['Hooks.SyncSources'], environmentId, isRevoked: false, revokedAt: null, lastUsedAt: null, expiresAt: null });
    t.like(list[0], { id: plain.id, isRevoked: true });
    t.regex(String(list[0]?.['revokedAt']), /^\d{4}-\d\d-\d\dT/);
  });

  test(`every invalid create is a 400 with its own message (${engine})`, async (t) => {
    const auth = await useAuthHost(t, engine);
    await createKey(t, auth, { name: 'CI', permissions: ['Hooks.Redeploy'] });
    const cases: Array<[unknown, string]> = [
      [{ permissions: ['Hooks.Redeploy'] }, 'API key name is required.'],
      [{ name: '   ', permissions: ['Hooks.Redeploy'] }, 'API key name is required.'],
      [{ name: 42, permissions: ['Hooks.Redeploy'] }, "Field 'name' must be a string."],
      [{ name: 'x'.repeat(101), permissions: ['Hooks.Redeploy'] }, 'API key name must be at most 100 characters.'],
      [{ name: 'k' }, 'At least one permission is required.'],
      [{ name: 'k', permissions: [] }, 'At least one permission is required.'],
      [{ name: 'k', permissions: 'Hooks.Redeploy' }, "Field 'permissions' must be an array of strings."],
      [{ name: 'k', permissions: ['Hooks.Redeploy', 7] }, "Field 'permissions' must be an array of strings."],
      [{ name: 'k', permissions: ['ApiKeys.Create'] }, "Unknown permission 'ApiKeys.Create'. Allowed permissions: Hooks.Redeploy, Hooks.Upgrade, Hooks.SyncSources."],
      [{ name: 'k', permissions: ['*.*'] }, "Unknown permission '*.*'. Allowed permissions: Hooks.Redeploy, Hooks.Upgrade, Hooks.SyncSources."],
      [{ name: 'k', permissions: ['Hooks.Redeploy'], environmentId: 'not-a-guid' }, 'Invalid environment ID format.'],
      [{ name: 'k', permissions: ['Hooks.Redeploy'], environmentId: 12 }, 'Invalid environment ID format.'],
      [{ name: 'k', permissions: ['Hooks.Redeploy'], environmentId: '00000000-0000-4000-8000-00000000abcd' }, "Environment '00000000-0000-4000-8000-00000000abcd' not found."],
      [{ name: 'k', permissions: ['Hooks.Redeploy'], expiresAt: '2020-01-01T00:00:00Z' }, 'expiresAt must be in the future.'],
      [{ name: 'k', permissions: ['Hooks.Redeploy'], expiresAt: 'next week' }, 'expiresAt must be an ISO-8601 date, or date and time with a zone.'],
      [{ name: 'k', permissions: ['Hooks.Redeploy'], expiresAt: '2999-01-01T10:00' }, 'expiresAt must be an ISO-8601 date, or date and time with a zone.'],
      [{ name: 'CI', permissions: ['Hooks.Upgrade'] }, "An active API key with name 'CI' already exists."],
      [{ name: 'ci', permissions: ['Hooks.Upgrade'] }, "An active API key with name 'ci' already exists."],
      [['CI'], 'Request body must be a JSON object.'],
    ];
    for (const [body, message] of cases) {
      const res = await auth.host.request('POST', '/api/api-keys', { token: auth.token, body });
      t.is(res.status, 400, JSON.stringify(body));
      t.is(res.body['message'], message, JSON.stringify(body));
      t.is(res.body['success'], false);
    }
    t.is((await auth.host.host.store('api_keys').count({ n: '*' }).first())?.['n'] as number, 1, 'nothing was stored');
  });

  test(`a revoked key's name may be used again (${engine})`, async (t) => {
    const auth = await useAuthHost(t, engine);
    const old = await createKey(t, auth, { name: 'deploy', permissions: ['Hooks.Redeploy'] });
    await auth.host.request('DELETE', `/api/api-keys/${old.id}`, { token: auth.token });
    const again = await createKey(t, auth, { name: 'deploy', permissions: ['Hooks.Redeploy'] });
    t.not(again.id, old.id);
  });

  test(`revoke: 200, then 400 when already revoked, 404 for an unknown id; the key fails on the very next call (${engine})`, async (t) => {
    const auth = await useAuthHost(t, engine);
    const key = await createKey(t, auth, { name: 'to revoke', permissions: ['Hooks.SyncSources'] });
    t.is((await auth.host.request('POST', '/api/hooks/sync-sources', { apiKey: key.fullKey })).status, 200);
    const revoked = await auth.host.request('DELETE', `/api/api-keys/${key.id}`, { token: auth.token });
    t.is(revoked.status, 200);
    t.deepEqual(revoked.body, { success: true, message: "API key 'to revoke' revoked successfully." });
    assertInvalidKey(t, await auth.host.request('POST', '/api/hooks/sync-sources', { apiKey: key.fullKey }));
    const twice = await auth.host.request('DELETE', `/api/api-keys/${key.id}`, { token: auth.token });
    t.is(twice.status, 400);
    t.is(twice.body['message'], 'API key is already revoked.');
    for (const id of [randomUUID(), 'not-a-uuid']) {
      const unknown = await auth.host.request('DELETE', `/api/api-keys/${id}`, { token: auth.token });
      t.is(unknown.status, 404);
      t.is(unknown.body['message'], 'API key not found.');
    }
  });

  test(`lastUsedAt shows in the list right after a use and is written in a batch, not per request (${engine})`, async (t) => {
    const auth = await useAuthHost(t, engine);
    const key = await createKey(t, auth, { name: 'used', permissions: ['Hooks.SyncSources'] });
    const writes: string[] = [];
    auth.host.host.store.on('query', (q: { sql: string }) => {
      if (/^update/i.test(q.sql) && q.sql.includes('api_keys')) writes.push(q.sql);
    });
    const before = Date.now();
    for (let i = 0; i < 3; i++) t.is((await auth.host.request('POST', '/api/hooks/sync-sources', { apiKey: key.fullKey })).status, 200);
    t.deepEqual(writes, [], 'no write on the request path');
    const listed = (await auth.host.request('GET', '/api/api-keys', { token: auth.token })).body['apiKeys'] as Record<string, unknown>[];
    const lastUsedAt = Date.parse(String(listed[0]?.['lastUsedAt']));
    t.true(lastUsedAt >= before - 1000 && lastUsedAt <= Date.now());
    await auth.host.host.apiKeys.flushUsage();
    t.is(writes.length, 1, 'one write for three uses');
    const row = await auth.host.host.store('api_keys').where({ id: key.id }).first('last_used_at');
    t.is(row.last_used_at, listed[0]?.['lastUsedAt']);
  });

  test(`pending uses are written when the host stops (${engine})`, async (t) => {
    const dataDir = await mkdtemp(join(tmpdir(), 'rsgo-usage-'));
    t.teardown(() => rm(dataDir, { recursive: true, force: true }));
    const database = await databaseConfig(t, engine);
    const auth = await useAuthHost(t, engine, { config: { dataDir }, database });
    const key = await createKey(t, auth, { name: 'used', permissions: ['Hooks.SyncSources'] });
    await auth.host.request('POST', '/api/hooks/sync-sources', { apiKey: key.fullKey });
    await auth.host.close();
    const store = await openStore(validateConfig({ database }).database, dataDir, dataDir);
    t.teardown(() => store.destroy());
    const row = await store('api_keys').where({ id: key.id }).first('last_used_at');
    t.regex(String(row.last_used_at), /^\d{4}-\d\d-\d\dT/);
  });

  test(`an API key can never call the management API, whatever it holds (${engine})`, async (t) => {
    const auth = await useAuthHost(t, engine);
    const key = await createKey(t, auth, { name: 'all hooks', permissions: ['Hooks.Redeploy', 'Hooks.Upgrade', 'Hooks.SyncSources'] });
    const calls: Array<[string, string, unknown?]> = [
      ['GET', '/api/api-keys'],
      ['POST', '/api/api-keys', { name: 'escalate', permissions: ['Hooks.Redeploy'] }],
      ['DELETE', `/api/api-keys/${key.id}`],
      ['GET', '/api/environments'],
      ['POST', '/api/environments', { name: 'prod' }],
      ['GET', '/api/audit'],
    ];
    for (const [method, path, body] of calls) {
      const res = await auth.host.request(method, path, { apiKey: key.fullKey, ...(body === undefined ? {} : { body }) });
      t.is(res.status, 403, `${method} ${path}`);
      t.is(res.body['message'], 'API keys cannot call the management API.');
    }
    const list = (await auth.host.request('GET', '/api/api-keys', { token: auth.token })).body['apiKeys'] as unknown[];
    t.is(list.length, 1, 'no key was created and none revoked');
  });

  test(`the key management API without credentials is a 401 (${engine})`, async (t) => {
    const { host } = await useAuthHost(t, engine);
    for (const [method, path] of [['GET', '/api/api-keys'], ['POST', '/api/api-keys'], ['DELETE', `/api/api-keys/${randomUUID()}`]] as const) {
      t.is((await host.request(method, path)).status, 401, `${method} ${path}`);
    }
  });
}

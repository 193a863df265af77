import test, { type ExecutionContext } from 'ava';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PLUGIN_API_VERSION, definePlugin, z } from 'rsgo/plugin';
import type { TestHost } from '../../../core/testing.js';
import { createKey, useAuthHost, type AuthHostOptions, type AuthTestHost } from '../../support/api-keys.js';
import { parsePrometheusText, sampleValue, type Family } from '../../support/prometheus-text.js';
import { useTestHost } from '../../support/test-host.js';

async function scrape(host: TestHost, token?: string): Promise<Map<string, Family>> {
  const res = await host.request('GET', '/metrics', token === undefined ? {} : { token });
  if (res.status !== 200) throw new Error(`GET /metrics answered ${res.status}: ${res.text}`);
  return parsePrometheusText(res.text);
}

const hookCalls = (families: Map<string, Family>, endpoint: string, outcome: string) =>
  sampleValue(families, 'rsgo_hook_requests_total', { endpoint, outcome });

const authFailures = (families: Map<string, Family>, reason: string) => sampleValue(families, 'rsgo_auth_failures_total', { reason });

/** A host with `api-key-auth` and a local catalog source `stacks` on an empty folder. */
async function metricsHost(t: ExecutionContext, options: AuthHostOptions = {}): Promise<AuthTestHost> {
  const catalogDir = await mkdtemp(join(tmpdir(), 'rsgo-metrics-catalog-'));
  t.teardown(() => rm(catalogDir, { recursive: true, force: true }));
  return useAuthHost(t, 'sqlite', { ...options, extraPlugins: [{ use: 'local-directory-source', name: 'stacks', options: { path: catalogDir } }, ...(options.extraPlugins ?? [])] });
}

test('GET /metrics answers the Prometheus text format 0.0.4 with the process metrics and every rsgo series, without authentication by default', async (t) => {
  const { host } = await metricsHost(t);
  const res = await host.request('GET', '/metrics');
  t.is(res.status, 200, res.text);
  t.is(res.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
  const families = parsePrometheusText(res.text);
  t.is(families.get('rsgo_hook_requests_total')?.type, 'counter');
  t.is(families.get('rsgo_operation_duration_seconds')?.type, 'histogram');
  t.is(families.get('rsgo_image_pull_duration_seconds')?.type, 'histogram');
  t.is(families.get('rsgo_catalog_sync_duration_seconds')?.type, 'histogram');
  t.is(families.get('rsgo_auth_failures_total')?.type, 'counter');
  t.is(families.get('rsgo_plugin_failures_total')?.type, 'counter');
  t.is(families.get('rsgo_deployments')?.type, 'gauge');
  t.true((sampleValue(families, 'process_resident_memory_bytes') ?? 0) > 0);
  t.true((sampleValue(families, 'process_cpu_seconds_total') ?? 0) > 0);
  t.true((sampleValue(families, 'nodejs_heap_size_used_bytes') ?? 0) > 0);
  // Every outcome of every webhook exists from the start, at zero, so rates work from the first scrape.
  for (const endpoint of ['redeploy', 'upgrade', 'sync-sources']) {
    for (const outcome of ['success', 'unauthorized', 'forbidden', 'rate_limited', 'conflict', 'rejected', 'failed']) t.is(hookCalls(families, endpoint, outcome), 0, `${endpoint} ${outcome}`);
  }
  t.is(sampleValue(families, 'rsgo_deployments', { status: 'Running' }), 0);
  // The first sync ran at start.
  t.is(sampleValue(families, 'rsgo_catalog_sync_duration_seconds_count', { source: 'stacks' }), 1);
});

test('hook calls count by endpoint and outcome, refusals before the route included; label values never come from the request', async (t) => {
  const auth = await metricsHost(t, { pluginOptions: { maxFailures: 2, windowSeconds: 600, lockoutSeconds: 600 } });
  const { host } = auth;
  const syncKey = await createKey(t, auth, { name: 'sync', permissions: ['Hooks.SyncSources'] });
  const stackName = `secret-stack-${randomBytes(4).toString('hex')}`;

  t.is((await host.request('POST', '/api/hooks/sync-sources', { apiKey: syncKey.fullKey })).status, 200);
  t.is((await host.request('POST', '/api/hooks/sync-sources/', { apiKey: syncKey.fullKey })).status, 200);
  t.is((await host.request('POST', '/api/hooks/redeploy', { body: { stackName } })).status, 401);
  t.is((await host.request('POST', '/api/hooks/redeploy', { apiKey: syncKey.fullKey, body: { stackName } })).status, 403);
  const redeployKey = await createKey(t, auth, { name: 'ci', permissions: ['Hooks.Redeploy', 'Hooks.Upgrade'] });
  t.is((await host.request('POST', '/api/hooks/upgrade', { apiKey: redeployKey.fullKey, body: { stackName } })).status, 400);
  const unknownStack = await host.request('POST', '/api/hooks/redeploy', { apiKey: redeployKey.fullKey, body: { stackName, environmentId: await localEnvironment(host) } });
  t.is(unknownStack.status, 400, unknownStack.text);
  // Not a webhook: not counted.
  t.is((await host.request('GET', '/api/hooks/redeploy', { apiKey: redeployKey.fullKey })).status, 405);
  // Two wrong keys reach the brake's limit: the third call from this address is refused with 429.
  // Well-formed (32 letters and digits) but unknown.
  const wrong = `rsgo_${randomBytes(16).toString('hex')}`;
  t.is((await host.request('POST', '/api/hooks/redeploy', { apiKey: wrong, body: { stackName } })).status, 401);
  t.is((await host.request('POST', '/api/hooks/redeploy', { apiKey: wrong, body: { stackName } })).status, 401);
  t.is((await host.request('POST', '/api/hooks/redeploy', { apiKey: wrong, body: { stackName } })).status, 429);

  const res = await host.request('GET', '/metrics');
  const families = parsePrometheusText(res.text);
  t.is(hookCalls(families, 'sync-sources', 'success'), 2);
  t.is(hookCalls(families, 'redeploy', 'unauthorized'), 3);
  t.is(hookCalls(families, 'redeploy', 'forbidden'), 1);
  t.is(hookCalls(families, 'redeploy', 'rejected'), 1);
  t.is(hookCalls(families, 'redeploy', 'rate_limited'), 1);
  t.is(hookCalls(families, 'redeploy', 'success'), 0);
  t.is(hookCalls(families, 'upgrade', 'rejected'), 1);
  t.is(authFailures(families, 'unknown_key'), 2);
  // Each sync ran every source once more: at start, then for each call.
  t.is(sampleValue(families, 'rsgo_catalog_sync_duration_seconds_count', { source: 'stacks' }), 3);
  t.false(res.text.includes(stackName));
  t.false(res.text.includes(wrong.slice(0, 12)));
  t.false(res.text.includes(redeployKey.keyPrefix));
});

async function localEnvironment(host: TestHost): Promise<string> {
  const local = (await host.host.environments.list()).find((environment) => environment.isDefault);
  if (!local) throw new Error('no default environment');
  return local.id;
}

test('refused authentications count by reason: malformed, revoked and expired keys, sign-ins', async (t) => {
  const auth = await metricsHost(t);
  const { host } = auth;
  const revoked = await createKey(t, auth, { name: 'old', permissions: ['Hooks.SyncSources'] });
  t.is((await host.request('DELETE', `/api/api-keys/${revoked.id}`, { token: auth.token })).status, 200);
  const expired = await createKey(t, auth, { name: 'expired', permissions: ['Hooks.SyncSources'], expiresAt: new Date(Date.now() + 60_000).toISOString() });
  await host.host.store('api_keys').where({ id: expired.id }).update({ expires_at: new Date(Date.now() - 1000).toISOString() });

  t.is((await host.request('POST', '/api/hooks/sync-sources', { apiKey: revoked.fullKey })).status, 401);
  t.is((await host.request('POST', '/api/hooks/sync-sources', { apiKey: expired.fullKey })).status, 401);
  t.is((await host.request('POST', '/api/hooks/sync-sources', { apiKey: 'not-a-key' })).status, 401);
  t.is((await host.request('POST', '/api/auth/login', { body: { username: host.admin.username, password: 'wrong password!' } })).status, 401);
  t.is((await host.request('POST', '/api/auth/login', { body: { username: 'nobody-here', password: 'wrong password!' } })).status, 401);

  const families = await scrape(host);
  t.is(authFailures(families, 'revoked_key'), 1);
  t.is(authFailures(families, 'expired_key'), 1);
  t.is(authFailures(families, 'malformed_key'), 1);
  t.is(authFailures(families, 'wrong_password'), 1);
  t.is(authFailures(families, 'unknown_user'), 1);
  t.is(authFailures(families, 'unknown_key'), 0);
  t.is(hookCalls(families, 'sync-sources', 'unauthorized'), 3);
});

const brokenSource = definePlugin({
  id: 'broken-source',
  apiVersion: PLUGIN_API_VERSION,
  options: z.strictObject({}),
  setup({ hooks }) {
    hooks.catalogSource.tap(async () => {
      throw new TypeError('the source is broken');
    });
  },
});

test('a plugin that fails counts against its instance and hook; a failed catalog sync still times its source', async (t) => {
  const auth = await metricsHost(t, { plugins: { 'broken-source': brokenSource }, extraPlugins: [{ use: 'broken-source', name: 'flaky' }] });
  const key = await createKey(t, auth, { name: 'sync', permissions: ['Hooks.SyncSources'] });
  const before = await scrape(auth.host);
  t.is(sampleValue(before, 'rsgo_plugin_failures_total', { plugin: 'flaky', hook: 'catalogSource' }), 1);
  t.is(sampleValue(before, 'rsgo_plugin_failures_total', { plugin: 'api-key-auth', hook: 'authenticate' }), 0);

  const sync = await auth.host.request('POST', '/api/hooks/sync-sources', { apiKey: key.fullKey });
  t.is(sync.status, 500, sync.text);

  const after = await scrape(auth.host);
  t.is(sampleValue(after, 'rsgo_plugin_failures_total', { plugin: 'flaky', hook: 'catalogSource' }), 2);
  t.is(sampleValue(after, 'rsgo_catalog_sync_duration_seconds_count', { source: 'flaky' }), 2);
  t.is(sampleValue(after, 'rsgo_catalog_sync_duration_seconds_count', { source: 'stacks' }), 2);
  t.is(hookCalls(after, 'sync-sources', 'failed'), 1);
});

test('with metrics.token, a scrape needs Authorization: Bearer <token>; others get 401 and count, and the token is never logged', async (t) => {
  const token = `metrics-${randomBytes(16).toString('hex')}`;
  const host = await useTestHost(t, { config: { metrics: { token } } });

  for (const headers of [{} as Record<string, string>, { authorization: `Bearer ${token}x` }, { authorization: `Basic ${token}` }, { authorization: token }]) {
    const res = await host.request('GET', '/metrics', { headers });
    t.is(res.status, 401, JSON.stringify(headers));
    t.like(res.body, { success: false, code: 'METRICS_TOKEN' });
    t.is(res.headers.get('www-authenticate'), 'Bearer realm="rsgo metrics"');
    t.false(res.text.includes('rsgo_'));
  }
  const families = await scrape(host, token);
  t.is(authFailures(families, 'metrics_token'), 4);
  t.is((await host.request('GET', '/metrics', { headers: { authorization: `bearer   ${token}` } })).status, 200);
  t.false(host.logs.some((line) => line.includes(token)));
});

test('metrics.enabled: false answers /metrics with 404, not the web UI', async (t) => {
  const host = await useTestHost(t, { config: { metrics: { enabled: false } } });
  const res = await host.request('GET', '/metrics');
  t.is(res.status, 404);
  t.like(res.body, { success: false, code: 'NOT_FOUND', message: 'No route for GET /metrics.' });
});

test('each host has its own registry: calls on one never show on another in the same process', async (t) => {
  const [one, other] = await Promise.all([useTestHost(t), useTestHost(t)]);
  t.is((await one.request('POST', '/api/hooks/redeploy', { body: {} })).status, 401);
  t.is(hookCalls(await scrape(one), 'redeploy', 'unauthorized'), 1);
  t.is(hookCalls(await scrape(other), 'redeploy', 'unauthorized'), 0);
});

test('a config with a metrics key it does not know is refused', async (t) => {
  const error = await t.throwsAsync(useTestHost(t, { config: { metrics: { enabled: true, path: '/other' } } }));
  t.regex(error?.message ?? '', /metrics/);
});

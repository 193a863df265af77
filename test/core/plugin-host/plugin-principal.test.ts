import test from 'ava';
import { randomBytes } from 'node:crypto';
import { definePlugin, z } from '../../../core/plugin-api.js';
import { useTestHost } from '../../support/test-host.js';

/** A static-token authenticator, as an integrator writes one: a Bearer token it owns. */
const staticToken = definePlugin({
  id: 'static-token',
  apiVersion: '1.4',
  options: z.strictObject({ token: z.string().min(16), caller: z.string() }),
  setup({ hooks, options }) {
    hooks.authenticate.tap(async (request) => {
      if (request.headers['authorization'] !== `Bearer ${options.token}`) return undefined;
      return { kind: 'plugin', plugin: 'static-token', name: options.caller, permissions: ['Hooks.SyncSources'] };
    });
  },
});

test('a Bearer token that is not a session token reaches plugin authenticators; their principal is of kind plugin in the audit trail and cannot call the management API', async (t) => {
  const token = randomBytes(16).toString('hex');
  const host = await useTestHost(t, {
    plugins: { 'static-token': staticToken },
    config: { plugins: [{ use: 'api-key-auth' }, { use: 'static-token', name: 'pipeline-tokens', options: { token, caller: 'ci-bot' } }] },
  });
  const synced = await host.request('POST', '/api/hooks/sync-sources', { token });
  t.is(synced.status, 200, synced.text);
  t.like(synced.body, { success: true });

  const management = await host.request('GET', '/api/deployments', { token });
  t.is(management.status, 403, management.text);

  const wrong = await host.request('POST', '/api/hooks/sync-sources', { token: randomBytes(16).toString('hex') });
  t.is(wrong.status, 401, 'a token no authenticator owns is refused');

  const admin = await host.signIn();
  const events = (await host.request('GET', '/api/audit', { token: admin })).body['events'] as Array<Record<string, unknown>>;
  const call = events.find((event) => event['action'] === 'hook.call' && event['status'] === 200);
  t.like(call, { actorKind: 'plugin', actorId: 'pipeline-tokens', actorName: 'ci-bot', endpoint: 'POST /api/hooks/sync-sources' });
});

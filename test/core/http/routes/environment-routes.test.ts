import test from 'ava';
import { createKey, useAuthHost } from '../../../support/api-keys.js';
import { databaseEngines } from '../../../support/databases.js';

for (const engine of databaseEngines) {
  test(`the default local environment exists from the first start and environments can be added (${engine})`, async (t) => {
    const { host, token } = await useAuthHost(t, engine);
    const first = await host.request('GET', '/api/environments', { token });
    t.is(first.status, 200);
    const [local] = first.body['environments'] as Array<Record<string, unknown>>;
    t.like(local, { name: 'local', type: 'docker', dockerHost: null, isDefault: true });
    t.regex(String(local?.['id']), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

    const created = await host.request('POST', '/api/environments', { token, body: { name: 'edge', type: 'docker', dockerHost: 'tcp://10.0.0.5:2376' } });
    t.is(created.status, 201, created.text);
    t.like(created.body, { success: true, environment: { name: 'edge', type: 'docker', dockerHost: 'tcp://10.0.0.5:2376', isDefault: false } });
    const defaulted = await host.request('POST', '/api/environments', { token, body: { name: 'plain' } });
    t.like(defaulted.body, { environment: { type: 'docker', dockerHost: null } });
    const names = ((await host.request('GET', '/api/environments', { token })).body['environments'] as Array<{ name: string }>).map((e) => e.name);
    t.deepEqual(names, ['local', 'edge', 'plain']);
  });

  test(`invalid environments are refused; keys cannot manage environments (${engine})`, async (t) => {
    const auth = await useAuthHost(t, engine);
    const { host, token } = auth;
    const cases: Array<[unknown, number]> = [
      [{}, 400],
      [{ name: 7 }, 400],
      [{ name: 'x'.repeat(101) }, 400],
      [{ name: 'bad', type: 'Docker Swarm!' }, 400],
      [{ name: 'bad', dockerHost: 'http://example' }, 400],
      [{ name: 'local' }, 409],
    ];
    for (const [body, status] of cases) t.is((await host.request('POST', '/api/environments', { token, body })).status, status, JSON.stringify(body));
    const key = await createKey(t, auth, { name: 'k', permissions: ['Hooks.Redeploy'] });
    t.is((await host.request('POST', '/api/environments', { apiKey: key.fullKey, body: { name: 'sneaky' } })).status, 403);
    t.is((await host.request('GET', '/api/environments')).status, 401);
  });
}

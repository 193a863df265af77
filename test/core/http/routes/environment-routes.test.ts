import test from 'ava';
import { ConfigError } from '../../../../core/errors.js';
import stubRuntime from '../../../fixtures/plugins/stub-runtime-plugin.js';
import { createKey, useAuthHost, type AuthTestHost } from '../../../support/api-keys.js';
import { databaseEngines } from '../../../support/databases.js';
import { useDeployHost } from '../../../support/deploy-host.js';
import { useTestHost } from '../../../support/test-host.js';

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

const pem = (kind: string) => `-----BEGIN ${kind}-----\nMIIB\n-----END ${kind}-----\n`;

/** The environments' names as `GET /api/environments` lists them. */
async function environmentNames({ host, token }: AuthTestHost): Promise<string[]> {
  return ((await host.request('GET', '/api/environments', { token })).body['environments'] as Array<{ name: string }>).map((e) => e.name);
}

for (const engine of databaseEngines) {
  test(`an environment type no enabled runtime serves is refused, listing the served types (${engine})`, async (t) => {
    const auth = await useAuthHost(t, engine);
    const res = await auth.host.request('POST', '/api/environments', { token: auth.token, body: { name: 'cluster', type: 'kubernetes' } });
    t.is(res.status, 400, res.text);
    t.like(res.body, { success: false, message: "Unknown environment type 'kubernetes'. Available: docker.", code: 'ENVIRONMENT_TYPE' });
    t.deepEqual(await environmentNames(auth), ['local']);
  });

  test(`the docker runtime checks the settings of its environments and shows only the engine address (${engine})`, async (t) => {
    const auth = await useAuthHost(t, engine);
    const post = (body: Record<string, unknown>) => auth.host.request('POST', '/api/environments', { token: auth.token, body });
    const tls = { ca: pem('CERTIFICATE'), cert: pem('CERTIFICATE'), key: pem('PRIVATE KEY') };
    const refused: Array<[Record<string, unknown>, string]> = [
      [{ name: 'web', dockerHost: 'http://example' }, 'dockerHost: must be a unix://, tcp://, npipe:// or ssh:// address'],
      [{ name: 'number', dockerHost: 2375 }, 'dockerHost: must be a unix://, tcp://, npipe:// or ssh:// address'],
      [{ name: 'socket-tls', tls }, 'tls: TLS client certificates need a tcp:// dockerHost'],
      [{ name: 'half', dockerHost: 'tcp://10.0.0.9:2376', tls: { ca: tls.ca } }, 'tls.cert: must be PEM text (-----BEGIN ...); tls.key: must be PEM text (-----BEGIN ...)'],
    ];
    for (const [body, problems] of refused) {
      const res = await post(body);
      t.is(res.status, 400, res.text);
      t.like(res.body, { success: false, message: `Invalid settings for a 'docker' environment: ${problems}.`, code: 'ENVIRONMENT_SETTINGS' }, JSON.stringify(body));
    }

    const created = await post({ name: 'secure', type: 'docker', dockerHost: ' tcp://10.0.0.9:2376 ', tls, note: 'fields no runtime knows are ignored' });
    t.is(created.status, 201, created.text);
    const environment = created.body['environment'] as Record<string, unknown>;
    t.deepEqual(Object.keys(environment).sort(), ['createdAt', 'dockerHost', 'id', 'isDefault', 'name', 'type']);
    t.like(environment, { name: 'secure', type: 'docker', dockerHost: 'tcp://10.0.0.9:2376', isDefault: false });
    const planned = await auth.host.host.environments.planEnvironment(String(environment['id']));
    t.deepEqual(planned.settings, { dockerHost: 'tcp://10.0.0.9:2376', tls });
    const listed = await auth.host.request('GET', '/api/environments', { token: auth.token });
    t.false(listed.text.includes('PRIVATE KEY'));
    t.deepEqual(await environmentNames(auth), ['local', 'secure']);
  });

  test(`a second runtime plugin serves its own environment type with settings of its own (${engine})`, async (t) => {
    const host = await useDeployHost(t, {
      engine,
      plugins: { 'stub-runtime': stubRuntime },
      extraPlugins: [{ use: 'stub-runtime' }],
      manifests: { 'Web.yaml': 'metadata:\n  name: Web\n  productVersion: "1.0.0"\nservices:\n  web:\n    image: example/web:1\n' },
    });
    const unknown = await host.admin('POST', '/api/environments', { name: 'cluster', type: 'kubernetes' });
    t.like(unknown.body, { message: "Unknown environment type 'kubernetes'. Available: docker, stub.", code: 'ENVIRONMENT_TYPE' });

    const refused = await host.admin('POST', '/api/environments', { name: 'moon', type: 'stub', region: 'Moon Base' });
    t.is(refused.status, 400, refused.text);
    t.like(refused.body, {
      message: "Invalid settings for a 'stub' environment: region: must be a region such as eu-1; token: Invalid input: expected string, received undefined.",
      code: 'ENVIRONMENT_SETTINGS',
    });

    const created = await host.admin('POST', '/api/environments', { name: 'edge', type: 'stub', region: 'eu-1', token: 'stub-secret-token', dockerHost: 'tcp://10.0.0.5:2376' });
    t.is(created.status, 201, created.text);
    const environment = created.body['environment'] as Record<string, unknown>;
    t.deepEqual(Object.keys(environment).sort(), ['createdAt', 'id', 'isDefault', 'name', 'region', 'type']);
    t.like(environment, { name: 'edge', type: 'stub', region: 'eu-1', isDefault: false });
    const listed = await host.admin('GET', '/api/environments');
    t.false(listed.text.includes('stub-secret-token'));
    t.like((listed.body['environments'] as unknown[])[1], { name: 'edge', type: 'stub', region: 'eu-1' });

    // A deploy that fails after starting services: what runs is asked of the stub's inspect,
    // which reads the environment's region from its own settings.
    const failed = await host.admin('POST', '/api/deployments', { environmentId: environment['id'], stackName: 'fail-web', productId: 'stacks:Web' });
    t.is(failed.status, 400, failed.text);
    t.is(failed.body['message'], 'Deployment failed: the stub runtime refuses stacks named fail-*.');
    const record = (await host.admin('GET', `/api/deployments/${String(failed.body['deploymentId'])}`)).body['deployment'];
    t.like(record, { status: 'Failed', services: [{ serviceName: 'web', containerId: 'eu-1/fail-web_web', containerName: 'fail-web_web', status: 'running' }] });
  });
}

test('two runtime plugins cannot serve the same environment type: the host does not start', async (t) => {
  const error = await t.throwsAsync(
    useAuthHost(t, 'sqlite', { plugins: { 'stub-runtime': stubRuntime }, extraPlugins: [{ use: 'stub-runtime' }, { use: 'stub-runtime', name: 'stub-again' }] }),
    { instanceOf: ConfigError },
  );
  t.regex(error?.message ?? '', /plugins\[3\] \(stub-runtime "stub-again"\): setup failed: environment type 'stub' is already served by plugin 'stub-runtime'/);
});

test('without a runtime plugin the default environment still exists, and no type can be added', async (t) => {
  const host = await useTestHost(t);
  const token = await host.signIn();
  const listed = await host.request('GET', '/api/environments', { token });
  t.like(listed.body['environments'], [{ name: 'local', type: 'docker', isDefault: true }]);
  const refused = await host.request('POST', '/api/environments', { token, body: { name: 'edge' } });
  t.is(refused.status, 400, refused.text);
  t.like(refused.body, { message: "Unknown environment type 'docker'. Available: none.", code: 'ENVIRONMENT_TYPE' });
});

import test from 'ava';
import { randomBytes } from 'node:crypto';
import { docker, dockerInspect } from '../../support/docker-cli.js';
import { idleCommand, useDeployHost } from '../../support/deploy-host.js';
import { testImages } from '../../support/test-images.js';

const images = testImages('deployments-deploy-stack');
const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

/** A single-stack product whose `app` service idles with two variables in its environment. */
async function shopManifest(): Promise<Record<string, string>> {
  const image = await images.push('app');
  return {
    'shop.yaml': `metadata:
  name: Shop
  productId: com.example.shop
  productVersion: "1.0.0"
variables:
  GREETING:
    default: hello
  DB_PASSWORD:
    type: Password
    required: true
  WORKERS:
    type: Number
    default: "2"
    min: 1
    max: 8
services:
  app:
    image: ${image.ref}
    command: ${idleCommand()}
    environment:
      GREETING: \${GREETING}
      DB_PASSWORD: \${DB_PASSWORD}
    volumes: ["data:/data"]
`,
  };
}

interface ServiceView {
  serviceName: string;
  containerId: string;
  containerName: string;
  image: string;
  status: string;
}

test.serial('a stack deploys from the catalog, runs with its variables and is recorded with masked passwords', async (t) => {
  const host = await useDeployHost(t, { manifests: await shopManifest() });
  const stackName = unique('shop');

  const res = await host.admin('POST', '/api/deployments', {
    environmentId: host.environmentId,
    stackName,
    productId: 'com.example.shop',
    variables: { DB_PASSWORD: 's3cret-pw', GREETING: 'moin' },
  });

  t.is(res.status, 201, res.text);
  t.like(res.body, { success: true, stackName, stackVersion: '1.0.0', status: 'Running' });
  const deploymentId = String(res.body['deploymentId']);
  const container = `${stackName}_app`;
  t.is(await docker('exec', container, 'sh', '-c', 'echo "$GREETING $DB_PASSWORD"'), 'moin s3cret-pw');

  const record = await host.admin('GET', `/api/deployments/${deploymentId}`);
  t.is(record.status, 200);
  const deployment = record.body['deployment'] as Record<string, unknown>;
  t.like(deployment, {
    id: deploymentId,
    environmentId: host.environmentId,
    stackName,
    stackVersion: '1.0.0',
    productId: 'com.example.shop',
    status: 'Running',
    variables: { GREETING: 'moin', DB_PASSWORD: '********', WORKERS: '2' },
  });
  const [service] = deployment['services'] as ServiceView[];
  const inspected = await dockerInspect<{ Id: string }>('container', container);
  t.like(service, { serviceName: 'app', containerName: container, containerId: inspected.Id, status: 'running' });
  const history = deployment['history'] as Array<Record<string, unknown>>;
  t.is(history.length, 1);
  t.like(history[0], { operation: 'deploy', outcome: 'Succeeded', triggeredBy: 'user:admin', toVersion: '1.0.0' });
  t.truthy(history[0]?.['startedAt']);
  t.truthy(history[0]?.['finishedAt']);

  const list = await host.admin('GET', `/api/deployments?environmentId=${host.environmentId}`);
  t.deepEqual((list.body['deployments'] as Array<{ id: string }>).map((d) => d.id), [deploymentId]);
  // The password never leaves the host: not in any answer, not in the log.
  t.false(record.text.includes('s3cret-pw'));
  t.false(list.text.includes('s3cret-pw'));
  t.false(host.host.logs.some((line) => line.includes('s3cret-pw')));
});

test.serial('everything a deploy creates carries the host labels', async (t) => {
  const host = await useDeployHost(t, { manifests: await shopManifest() });
  const stackName = unique('shop');
  const res = await host.admin('POST', '/api/deployments', { environmentId: host.environmentId, stackName, productId: 'com.example.shop', variables: { DB_PASSWORD: 'x' } });
  t.is(res.status, 201, res.text);
  const deploymentId = String(res.body['deploymentId']);
  const expected = {
    'rsgo.stack': stackName,
    'rsgo.deployment': deploymentId,
    'rsgo.environment': host.environmentId,
    'rsgo.product': 'com.example.shop',
    'rsgo.version': '1.0.0',
  };
  const container = await dockerInspect<{ Config: { Labels: Record<string, string> } }>('container', `${stackName}_app`);
  t.like(container.Config.Labels, { ...expected, 'rsgo.service': 'app', 'rsgo.lifecycle': 'service' });
  const network = await dockerInspect<{ Labels: Record<string, string> }>('network', `${stackName}_default`);
  t.like(network.Labels, expected);
  const volume = await dockerInspect<{ Labels: Record<string, string> }>('volume', `${stackName}_data`);
  t.like(volume.Labels, expected);
});

test.serial('invalid variables are all reported at once and nothing is deployed', async (t) => {
  const host = await useDeployHost(t, { manifests: await shopManifest() });
  const stackName = unique('shop');
  const res = await host.admin('POST', '/api/deployments', {
    environmentId: host.environmentId,
    stackName,
    productId: 'com.example.shop',
    variables: { WORKERS: '99' },
  });
  t.is(res.status, 400);
  t.like(res.body, { success: false, code: 'INVALID_INPUT' });
  t.is(res.body['message'], 'Invalid variables: DB_PASSWORD is required; WORKERS must be at most 8');
  t.deepEqual(res.body['problems'], [
    { name: 'DB_PASSWORD', message: 'DB_PASSWORD is required' },
    { name: 'WORKERS', message: 'WORKERS must be at most 8' },
  ]);
  t.deepEqual((await host.admin('GET', '/api/deployments')).body['deployments'], []);
  t.is(await docker('container', 'ls', '--all', '--quiet', '--filter', `label=rsgo.stack=${stackName}`), '');
});

test.serial('a stack name that exists is refused with 409 unless its deployment failed', async (t) => {
  const host = await useDeployHost(t, { manifests: await shopManifest() });
  const stackName = unique('shop');
  const body = { environmentId: host.environmentId, stackName, productId: 'com.example.shop', variables: { DB_PASSWORD: 'x' } };
  t.is((await host.admin('POST', '/api/deployments', body)).status, 201);
  const again = await host.admin('POST', '/api/deployments', body);
  t.is(again.status, 409);
  t.is(again.body['message'], `Stack '${stackName}' already exists in environment '${host.environmentId}'.`);
});

test.serial('requests naming an unknown product, version, stack or environment get a 400 that says which', async (t) => {
  const host = await useDeployHost(t, { manifests: await shopManifest() });
  const base = { environmentId: host.environmentId, stackName: unique('shop'), productId: 'com.example.shop', variables: { DB_PASSWORD: 'x' } };
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ ...base, productId: 'com.example.none' }, "Product 'com.example.none' not found in catalog."],
    [{ ...base, version: '9.9.9' }, "Version '9.9.9' not found in catalog. Available versions: 1.0.0"],
    [{ ...base, stackDefinitionName: 'nope' }, "Stack 'nope' not found in product 'Shop' version 1.0.0. Available stacks: Shop."],
    [{ ...base, environmentId: '00000000-0000-4000-8000-000000000000' }, "Environment '00000000-0000-4000-8000-000000000000' not found."],
    [{ ...base, environmentId: 'nope' }, "Invalid EnvironmentId format: 'nope'. Must be a valid GUID."],
    [{ ...base, stackName: undefined }, 'stackName is required.'],
    [{ ...base, stackName: 'bad name!' }, "Invalid stackName 'bad name!': a stack name is 1 to 80 letters, digits, '_', '.' or '-', starting with a letter or digit."],
    [{ ...base, variables: { DB_PASSWORD: 1 } }, "Field 'variables' must be an object of string values."],
  ];
  for (const [body, message] of cases) {
    const res = await host.admin('POST', '/api/deployments', body);
    t.is(res.status, 400, JSON.stringify(body));
    t.is(res.body['message'], message);
  }
  t.is((await host.admin('GET', '/api/deployments/00000000-0000-4000-8000-000000000000')).status, 404);
});

test.serial('removing a deployment with ?volumes=true also removes its named volumes and network', async (t) => {
  const host = await useDeployHost(t, { manifests: await shopManifest() });
  const stackName = unique('shop');
  const res = await host.admin('POST', '/api/deployments', { environmentId: host.environmentId, stackName, productId: 'com.example.shop', variables: { DB_PASSWORD: 'x' } });
  t.is(res.status, 201, res.text);
  const removed = await host.admin('DELETE', `/api/deployments/${String(res.body['deploymentId'])}?volumes=true`);
  t.is(removed.status, 200, removed.text);
  t.is(await docker('container', 'ls', '--all', '--quiet', '--filter', `label=rsgo.stack=${stackName}`), '');
  t.is(await docker('volume', 'ls', '--quiet', '--filter', `label=rsgo.stack=${stackName}`), '');
  t.is(await docker('network', 'ls', '--quiet', '--filter', `label=rsgo.stack=${stackName}`), '');
  t.like((await host.admin('GET', `/api/deployments/${String(res.body['deploymentId'])}`)).body['deployment'], { status: 'Removed', services: [] });
});

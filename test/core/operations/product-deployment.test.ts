import test from 'ava';
import { randomBytes } from 'node:crypto';
import { docker } from '../../support/docker-cli.js';
import { containersLabelled, idleCommand, useDeployHost } from '../../support/deploy-host.js';
import { testImages } from '../../support/test-images.js';

const images = testImages('deployments-product');

/**
 * A two-stack product: `API` serves `/www` over HTTP on its network and `Worker` idles with a
 * volume. `API` has a second service, `probe`, that reaches `web` by its service name.
 */
async function acmeManifest(workerCommand = idleCommand()): Promise<Record<string, string>> {
  const image = await images.push('app', { variant: 'acme-web' });
  return {
    'acme/stack.yaml': `metadata:
  name: Acme
  productId: com.example.acme
  productVersion: "3.1.0"
sharedVariables:
  REGION:
    default: eu
stacks:
  api:
    metadata: { name: API }
    services:
      web:
        image: ${image.ref}
        command: ${idleCommand('httpd -p 8080 -h /www')}
      probe:
        image: ${image.ref}
        dependsOn: [web]
        environment: { REGION: "\${REGION}" }
        command: ${idleCommand()}
  worker:
    metadata: { name: Worker }
    variables:
      QUEUE: { required: true }
    services:
      worker:
        image: ${image.ref}
        environment: { QUEUE: "\${QUEUE}" }
        command: ${workerCommand}
        volumes: ["jobs:/data"]
`,
  };
}

test.serial('a product deploys every stack as <name>-<stack>, and services reach each other by service name', async (t) => {
  const host = await useDeployHost(t, { manifests: await acmeManifest() });
  const name = `acme${randomBytes(3).toString('hex')}`;

  const res = await host.admin('POST', '/api/product-deployments', {
    environmentId: host.environmentId,
    productId: 'com.example.acme',
    deploymentName: name,
    variables: { QUEUE: 'orders' },
  });

  t.is(res.status, 201, res.text);
  t.like(res.body, { success: true, status: 'Running' });
  const stacks = res.body['stacks'] as Array<Record<string, unknown>>;
  t.deepEqual(
    stacks.map((s) => [s['stackName'], s['deploymentStackName'], s['status']]),
    [
      ['API', `${name}-api`, 'Running'],
      ['Worker', `${name}-worker`, 'Running'],
    ],
  );
  t.deepEqual(await containersLabelled('rsgo.product', 'com.example.acme').then((rows) => rows.filter((r) => r.startsWith(name))), [
    `${name}-api_probe running`,
    `${name}-api_web running`,
    `${name}-worker_worker running`,
  ]);
  t.is(await docker('exec', `${name}-api_probe`, 'wget', '-qO-', 'http://web:8080/'), 'acme-web');
  t.is(await docker('exec', `${name}-api_probe`, 'sh', '-c', 'echo $REGION'), 'eu');
  t.is(await docker('exec', `${name}-worker_worker`, 'sh', '-c', 'echo $QUEUE'), 'orders');

  const product = await host.admin('GET', `/api/product-deployments/${String(res.body['productDeploymentId'])}`);
  t.like(product.body['productDeployment'], { productId: 'com.example.acme', productName: 'Acme', version: '3.1.0', deploymentName: name, status: 'Running' });
  const apiId = stacks[0]?.['deploymentId'];
  const api = (await host.admin('GET', `/api/deployments/${String(apiId)}`)).body['deployment'];
  t.like(api, { stackName: `${name}-api`, stackDefinitionName: 'API', productDeploymentId: res.body['productDeploymentId'] });
});

test.serial('a product deploy validates the variables of every stack before anything starts', async (t) => {
  const host = await useDeployHost(t, { manifests: await acmeManifest() });
  const res = await host.admin('POST', '/api/product-deployments', { environmentId: host.environmentId, productId: 'com.example.acme', deploymentName: 'acme-x' });
  t.is(res.status, 400);
  t.is(res.body['message'], 'Invalid variables: Worker: QUEUE is required');
  t.deepEqual((await host.admin('GET', '/api/deployments')).body['deployments'], []);
});

test.serial('a stack of a product that fails leaves the others running and the product PartiallyRunning', async (t) => {
  const host = await useDeployHost(t, { manifests: await acmeManifest(JSON.stringify(['sh', '-c', 'echo no queue >&2; exit 2'])) });
  const name = `acme${randomBytes(3).toString('hex')}`;
  const res = await host.admin('POST', '/api/product-deployments', {
    environmentId: host.environmentId,
    productId: 'com.example.acme',
    deploymentName: name,
    variables: { QUEUE: 'orders' },
  });
  t.is(res.status, 400, res.text);
  t.like(res.body, { success: false, status: 'PartiallyRunning' });
  t.regex(String(res.body['message']), /^Deployment failed: stack 'Worker': Service 'worker' exited with code 2/);
  const product = (await host.admin('GET', `/api/product-deployments/${String(res.body['productDeploymentId'])}`)).body['productDeployment'] as Record<string, unknown>;
  t.like(product, { status: 'PartiallyRunning' });
  t.deepEqual((product['stacks'] as Array<{ status: string }>).map((s) => s.status), ['Running', 'Failed']);
  t.is(await docker('container', 'inspect', '--format', '{{.State.Status}}', `${name}-api_web`), 'running');
});

test.serial('removing a deployment removes exactly its containers; its volume keeps the data for the next deployment of the name', async (t) => {
  const host = await useDeployHost(t, { manifests: await acmeManifest() });
  const name = `acme${randomBytes(3).toString('hex')}`;
  const res = await host.admin('POST', '/api/product-deployments', {
    environmentId: host.environmentId,
    productId: 'com.example.acme',
    deploymentName: name,
    variables: { QUEUE: 'orders' },
  });
  t.is(res.status, 201, res.text);
  const [api, worker] = (res.body['stacks'] as Array<{ deploymentId: string }>).map((s) => s.deploymentId);
  await docker('exec', `${name}-worker_worker`, 'sh', '-c', 'echo kept > /data/job');

  const removed = await host.admin('DELETE', `/api/deployments/${String(worker)}`);
  t.is(removed.status, 200, removed.text);
  t.like(removed.body, { success: true, status: 'Removed' });
  t.deepEqual(await containersLabelled('rsgo.deployment', String(worker)), []);
  t.deepEqual(await containersLabelled('rsgo.deployment', String(api)), [`${name}-api_probe running`, `${name}-api_web running`]);
  t.is(await docker('volume', 'ls', '--quiet', '--filter', `name=${name}-worker_jobs`), `${name}-worker_jobs`);
  const product = (await host.admin('GET', `/api/product-deployments/${String(res.body['productDeploymentId'])}`)).body['productDeployment'];
  t.like(product, { status: 'Running' });
  const history = ((await host.admin('GET', `/api/deployments/${String(worker)}`)).body['deployment'] as { history: unknown[] }).history;
  t.like(history.at(-1), { operation: 'remove', outcome: 'Succeeded' });
  t.is((await host.admin('DELETE', `/api/deployments/${String(worker)}`)).status, 409);

  // A named volume keeps its data for the next deployment of the same stack name.
  const again = await host.admin('POST', '/api/deployments', {
    environmentId: host.environmentId,
    stackName: `${name}-worker`,
    productId: 'com.example.acme',
    stackDefinitionName: 'worker',
    variables: { QUEUE: 'orders' },
  });
  t.is(again.status, 201, again.text);
  t.not(again.body['deploymentId'], worker);
  t.is(await docker('exec', `${name}-worker_worker`, 'cat', '/data/job'), 'kept');

});

import test, { type ExecutionContext } from 'ava';
import { randomBytes } from 'node:crypto';
import { createKey } from '../../support/api-keys.js';
import { docker } from '../../support/docker-cli.js';
import { idleCommand, useDeployHost, type DeployTestHost } from '../../support/deploy-host.js';
import { testImages } from '../../support/test-images.js';

const images = testImages('deployments-product-redeploy');

/**
 * Product `Acme` (com.example.acme) 3.1.0 with stacks `API` and `Worker`, deployed as
 * `acme<random>`. The worker's image tag is `${WORKER_TAG}` and it fails at start when
 * `WORKER_FAIL` is `yes`, so a test can make one stack's redeploy fail either way. Only the
 * worker uses `${WORKER_NOTE}`.
 */
async function acmeHost(t: ExecutionContext) {
  const image = await images.push('app');
  const repository = image.ref.slice(0, image.ref.lastIndexOf(':'));
  const host = await useDeployHost(t, {
    manifests: {
      'acme.yaml': `metadata: { name: Acme, productId: com.example.acme, productVersion: "3.1.0" }
sharedVariables:
  WORKER_TAG: { default: "1" }
  WORKER_FAIL: { default: "no" }
stacks:
  api:
    metadata: { name: API }
    services:
      api:
        image: ${image.ref}
        command: ${idleCommand()}
  worker:
    metadata: { name: Worker }
    services:
      worker:
        image: ${repository}:\${WORKER_TAG}
        command: ${idleCommand('test "$WORKER_FAIL" != yes')}
        environment: { WORKER_FAIL: "\${WORKER_FAIL}", NOTE: "\${WORKER_NOTE:-none}" }
`,
    },
  });
  const name = `acme${randomBytes(3).toString('hex')}`;
  const deployed = await host.admin('POST', '/api/product-deployments', { environmentId: host.environmentId, productId: 'com.example.acme', deploymentName: name });
  t.is(deployed.status, 201, deployed.text);
  const key = await createKey(t, host, { name: 'ci', permissions: ['Hooks.Redeploy'], environmentId: host.environmentId });
  return { host, name, key: key.fullKey, productDeploymentId: String(deployed.body['productDeploymentId']), repository };
}

const containerId = (name: string) => docker('container', 'inspect', '--format', '{{.Id}}', name);

async function ids(name: string): Promise<[string, string]> {
  return [await containerId(`${name}-api_api`), await containerId(`${name}-worker_worker`)];
}

function redeploy(host: DeployTestHost, apiKey: string, body: Record<string, unknown>) {
  return host.host.request('POST', '/api/hooks/redeploy', { apiKey, body });
}

async function product(host: DeployTestHost, id: string) {
  return (await host.admin('GET', `/api/product-deployments/${id}`)).body['productDeployment'] as Record<string, unknown>;
}

test.serial('a product redeploy replaces the containers of every stack and answers with the product', async (t) => {
  const { host, name, key, productDeploymentId } = await acmeHost(t);
  const [api, worker] = await ids(name);

  const res = await redeploy(host, key, { productId: 'com.example.acme' });

  t.is(res.status, 200, res.text);
  t.regex(String(res.body['operationId']), /^[0-9a-f-]{36}$/);
  t.deepEqual(res.body, {
    success: true,
    operationId: res.body['operationId'],
    message: "Successfully triggered redeploy of product 'Acme'.",
    productDeploymentId,
    stackName: 'Acme',
    stackVersion: '3.1.0',
  });
  const [apiAfter, workerAfter] = await ids(name);
  t.not(apiAfter, api);
  t.not(workerAfter, worker);
  t.like(await product(host, productDeploymentId), { status: 'Running' });
});

test.serial('a product redeploy of one stack, named in any case, leaves the other stack alone', async (t) => {
  const { host, name, key } = await acmeHost(t);
  const [api, worker] = await ids(name);

  const res = await redeploy(host, key, { productId: 'com.example.acme', stackDefinitionName: 'wORKER', stackName: 'ignored' });

  t.is(res.status, 200, res.text);
  const [apiAfter, workerAfter] = await ids(name);
  t.is(apiAfter, api);
  t.not(workerAfter, worker);

  const unknown = await redeploy(host, key, { productId: 'com.example.acme', stackDefinitionName: 'Billing' });
  t.is(unknown.status, 400);
  t.is(unknown.body['message'], "Stack 'Billing' not found in this product deployment.");
});

test.serial('a product redeploy accepts a name one of its stacks uses, gives it to that stack only, and refuses unknown names', async (t) => {
  const { host, name, key, productDeploymentId } = await acmeHost(t);
  const before = await ids(name);
  const deployments = async () => (await host.admin('GET', '/api/deployments')).body['deployments'] as Array<Record<string, unknown>>;
  const historyBefore = (await product(host, productDeploymentId))['stacks'];

  const refused = await redeploy(host, key, { productId: 'com.example.acme', variables: { WORKER_NOTE: 'hi', NOPE: 'x' } });
  t.is(refused.status, 400, refused.text);
  t.like(refused.body, { code: 'VARIABLE_UNKNOWN', message: 'Unknown variables: NOPE.' });
  t.deepEqual(await ids(name), before);
  t.like(await product(host, productDeploymentId), { status: 'Running', stacks: historyBefore });

  const res = await redeploy(host, key, { productId: 'com.example.acme', variables: { WORKER_NOTE: 'hi' } });
  t.is(res.status, 200, res.text);
  t.is(await docker('exec', `${name}-worker_worker`, 'sh', '-c', 'echo $NOTE'), 'hi');
  const stored = Object.fromEntries((await deployments()).map((d) => [d['stackName'], d['variables']]));
  t.like(stored[`${name}-worker`], { WORKER_NOTE: 'hi' });
  t.false('WORKER_NOTE' in (stored[`${name}-api`] as Record<string, string>), 'the API stack does not use it');
});

test.serial('a stack whose image cannot be pulled is reported while the others are redeployed; the product keeps running', async (t) => {
  const { host, name, key, productDeploymentId, repository } = await acmeHost(t);
  const [api, worker] = await ids(name);

  const res = await redeploy(host, key, { productId: 'com.example.acme', variables: { WORKER_TAG: 'never-pushed' } });

  t.is(res.status, 400, res.text);
  t.like(res.body, { success: false, productDeploymentId, status: 'Running' });
  t.regex(
    String(res.body['message']),
    new RegExp(`^Deployment failed: stack 'Worker': Could not pull image '${repository}:never-pushed' for service 'worker': .*\\(1 of 2 stack\\(s\\) redeployed; product 'Acme' is Running\\)\\.$`, 's'),
  );
  const [apiAfter, workerAfter] = await ids(name);
  t.not(apiAfter, api);
  t.is(workerAfter, worker);
  t.like(await product(host, productDeploymentId), { status: 'Running' });
});

test.serial('a stack that fails to start makes the product PartiallyRunning, and the answer says so', async (t) => {
  const { host, key, productDeploymentId } = await acmeHost(t);

  const res = await redeploy(host, key, { productId: 'com.example.acme', variables: { WORKER_FAIL: 'yes' } });

  t.is(res.status, 400, res.text);
  t.like(res.body, { success: false, productDeploymentId, status: 'PartiallyRunning' });
  t.regex(String(res.body['message']), /^Deployment failed: stack 'Worker': Service 'worker' .*\(1 of 2 stack\(s\) redeployed; product 'Acme' is PartiallyRunning\)\.$/s);
  const state = await product(host, productDeploymentId);
  t.like(state, { status: 'PartiallyRunning' });
  t.deepEqual((state['stacks'] as Array<{ status: string }>).map((s) => s.status), ['Running', 'Failed']);

  const again = await redeploy(host, key, { productId: 'com.example.acme' });
  t.is(again.status, 400);
  t.is(again.body['message'], 'Only running deployments can be redeployed. Current status: PartiallyRunning');
});

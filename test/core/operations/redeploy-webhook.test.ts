import test, { type ExecutionContext } from 'ava';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKey } from '../../support/api-keys.js';
import { docker } from '../../support/docker-cli.js';
import { containersLabelled, idleCommand, useDeployHost, type DeployHostOptions, type DeployTestHost } from '../../support/deploy-host.js';
import { testImages } from '../../support/test-images.js';

const images = testImages('deployments-redeploy');

/**
 * Product `Web` 1.0.0: service `app` runs `<repo>:${TAG}` (default `stable`) with `GREETING` in
 * its environment, and becomes healthy `${DELAY}` seconds after it starts.
 */
async function webCatalogHost(t: ExecutionContext, options: Pick<DeployHostOptions, 'database' | 'env' | 'config'> & { repository?: string } = {}) {
  // A test that pushes over the tag gets a repository of its own: pushing removes the local copy.
  const { repository: name = 'web', ...hostOptions } = options;
  const image = await images.push(name, { tag: 'stable', variant: 'release-1' });
  const repository = image.ref.slice(0, image.ref.lastIndexOf(':'));
  const host = await useDeployHost(t, {
    ...hostOptions,
    manifests: {
      'web.yaml': `metadata: { name: Web, productId: com.example.web, productVersion: "1.0.0" }
variables:
  TAG: { default: stable }
  GREETING: { default: hello }
  DELAY: { type: Number, default: "0" }
services:
  app:
    image: ${repository}:\${TAG}
    environment: { GREETING: "\${GREETING}" }
    command: ${idleCommand('sleep ${DELAY}; touch /tmp/ready')}
    healthCheck:
      test: ["CMD-SHELL", "test -f /tmp/ready"]
      interval: 1s
      timeout: 10s
      retries: 600
`,
    },
  });
  return { host, image, repository };
}

/** {@link webCatalogHost}'s host with stack `web-<random>` deployed. */
async function webHost(t: ExecutionContext, options: Parameters<typeof webCatalogHost>[1] = {}) {
  const { host, image, repository } = await webCatalogHost(t, options);
  const stackName = `web-${randomBytes(4).toString('hex')}`;
  const deployed = await host.admin('POST', '/api/deployments', { environmentId: host.environmentId, stackName, productId: 'com.example.web' });
  t.is(deployed.status, 201, deployed.text);
  return { host, stackName, deploymentId: String(deployed.body['deploymentId']), image, repository };
}

function redeploy(host: DeployTestHost, apiKey: string, body: Record<string, unknown>) {
  return host.host.request('POST', '/api/hooks/redeploy', { apiKey, body });
}

const container = (name: string) => docker('container', 'inspect', '--format', '{{.Id}} {{.Image}} {{.State.Status}}', name);

async function history(host: DeployTestHost, id: string) {
  return ((await host.admin('GET', `/api/deployments/${id}`)).body['deployment'] as { history: Array<Record<string, unknown>> }).history;
}

test.serial('a redeploy pulls the image pushed again under the same tag: same deployment and name, new container', async (t) => {
  const { host, stackName, deploymentId, image } = await webHost(t, { repository: 'fresh' });
  const key = await createKey(t, host, { name: 'ci', permissions: ['Hooks.Redeploy'] });
  const before = await container(`${stackName}_app`);
  const pushed = await images.push('fresh', { tag: 'stable', variant: 'release-2' });

  const res = await redeploy(host, key.fullKey, { stackName, environmentId: host.environmentId });

  t.is(res.status, 200, res.text);
  t.regex(String(res.body['operationId']), /^[0-9a-f-]{36}$/);
  t.deepEqual(res.body, {
    success: true,
    operationId: res.body['operationId'],
    message: `Successfully triggered redeploy of '${stackName}'.`,
    deploymentId,
    stackName,
    stackVersion: '1.0.0',
  });
  const [beforeId, beforeImage] = before.split(' ');
  const [afterId, afterImage, state] = (await container(`${stackName}_app`)).split(' ');
  t.not(afterId, beforeId);
  t.is(beforeImage, image.id);
  t.is(afterImage, pushed.id);
  t.is(state, 'running');
  t.is(await docker('exec', `${stackName}_app`, 'cat', '/variant'), 'release-2');
  t.like((await history(host, deploymentId)).at(-1), { operation: 'redeploy', outcome: 'Succeeded', triggeredBy: 'apiKey:ci', fromVersion: '1.0.0', toVersion: '1.0.0' });
});

test.serial('variables given to a redeploy are merged over the stored ones and kept for the next redeploy', async (t) => {
  const { host, stackName, deploymentId } = await webHost(t);
  const key = await createKey(t, host, { name: 'ci', permissions: ['Hooks.Redeploy'], environmentId: host.environmentId });

  // An environment-scoped key needs no environmentId in the body.
  const first = await redeploy(host, key.fullKey, { stackName, variables: { GREETING: 'moin' } });
  t.is(first.status, 200, first.text);
  t.is(await docker('exec', `${stackName}_app`, 'sh', '-c', 'echo $GREETING'), 'moin');

  const second = await redeploy(host, key.fullKey, { stackName });
  t.is(second.status, 200, second.text);
  t.is(await docker('exec', `${stackName}_app`, 'sh', '-c', 'echo $GREETING'), 'moin');
  const record = (await host.admin('GET', `/api/deployments/${deploymentId}`)).body['deployment'];
  t.like(record, { variables: { GREETING: 'moin', TAG: 'stable', DELAY: '0' }, status: 'Running' });
});

test.serial('a pull that fails leaves the old container running untouched and the deployment Running, with the attempt in the history', async (t) => {
  const { host, stackName, deploymentId, repository } = await webHost(t);
  const key = await createKey(t, host, { name: 'ci', permissions: ['Hooks.Redeploy'] });
  const before = await container(`${stackName}_app`);

  const res = await redeploy(host, key.fullKey, { stackName, environmentId: host.environmentId, variables: { TAG: 'never-pushed' } });

  t.is(res.status, 400, res.text);
  t.like(res.body, { success: false, deploymentId, status: 'Running' });
  t.true(String(res.body['message']).startsWith(`Deployment failed: Could not pull image '${repository}:never-pushed' for service 'app': `), String(res.body['message']));
  t.is(await container(`${stackName}_app`), before);
  const record = (await host.admin('GET', `/api/deployments/${deploymentId}`)).body['deployment'] as Record<string, unknown>;
  t.like(record, { status: 'Running', errorMessage: null, variables: { TAG: 'stable' } });
  const attempt = (record['history'] as Array<Record<string, unknown>>).at(-1);
  t.like(attempt, { operation: 'redeploy', outcome: 'Failed' });
  t.regex(String(attempt?.['message']), /Could not pull image .* Nothing was changed: version 1\.0\.0 keeps running\.$/);
});

test.serial('refused calls change nothing: no key, a key without the permission, a key scoped to another environment', async (t) => {
  const { host, stackName, deploymentId } = await webHost(t);
  const upgradeOnly = await createKey(t, host, { name: 'upgrade-only', permissions: ['Hooks.Upgrade'] });
  const other = await host.admin('POST', '/api/environments', { name: 'other', dockerHost: 'tcp://127.0.0.1:1' });
  const otherId = (other.body['environment'] as { id: string }).id;
  const scoped = await createKey(t, host, { name: 'scoped', permissions: ['Hooks.Redeploy'], environmentId: otherId });
  const before = await container(`${stackName}_app`);
  const entries = (await history(host, deploymentId)).length;

  const anonymous = await host.host.request('POST', '/api/hooks/redeploy', { body: { stackName, environmentId: host.environmentId } });
  t.is(anonymous.status, 401);
  t.like(anonymous.body, { success: false, message: 'Invalid or missing API key.', code: 'AUTH_INVALID' });
  const forbidden = await redeploy(host, upgradeOnly.fullKey, { stackName, environmentId: host.environmentId });
  t.is(forbidden.status, 403);
  t.like(forbidden.body, { success: false, message: "Permission 'Hooks.Redeploy' required.", code: 'FORBIDDEN' });
  const outOfScope = await redeploy(host, scoped.fullKey, { stackName, environmentId: host.environmentId });
  t.is(outOfScope.status, 403);
  t.is(outOfScope.body['message'], `API key is restricted to environment '${otherId}'.`);

  t.is(await container(`${stackName}_app`), before);
  t.is((await history(host, deploymentId)).length, entries);
});

test.serial('every 400 of the redeploy hook has the contract message', async (t) => {
  const { host, stackName } = await webHost(t);
  const key = await createKey(t, host, { name: 'ci', permissions: ['Hooks.Redeploy'] });
  const env = host.environmentId;
  const failedStack = `broken-${randomBytes(4).toString('hex')}`;
  const failed = await host.admin('POST', '/api/deployments', { environmentId: env, stackName: failedStack, productId: 'com.example.web', variables: { TAG: 'never-pushed' } });
  t.is(failed.status, 400);

  const cases: Array<[Record<string, unknown>, string]> = [
    [{ environmentId: env }, 'Either stackName or productId is required.'],
    [{ stackName }, 'EnvironmentId is required. Provide it in the request body or use an environment-scoped API key.'],
    [{ stackName, environmentId: 'not-a-guid' }, "Invalid EnvironmentId format: 'not-a-guid'. Must be a valid GUID."],
    [{ stackName: 'nothing-here', environmentId: env }, `No deployment found for stack 'nothing-here' in environment '${env}'.`],
    [{ productId: 'com.example.none', environmentId: env }, `No active product deployment found for product 'com.example.none' in environment '${env}'.`],
    [{ stackName: failedStack, environmentId: env }, 'Only running deployments can be redeployed. Current status: Failed'],
  ];
  for (const [body, message] of cases) {
    const res = await redeploy(host, key.fullKey, body);
    t.is(res.status, 400, JSON.stringify(body));
    t.like(res.body, { success: false, message });
  }
});

test.serial('two redeploys of one stack at once run one after the other and both succeed, leaving one container', async (t) => {
  const { host, stackName, deploymentId } = await webHost(t);
  const key = await createKey(t, host, { name: 'ci', permissions: ['Hooks.Redeploy'] });

  const [a, b] = await Promise.all([
    redeploy(host, key.fullKey, { stackName, environmentId: host.environmentId, variables: { GREETING: 'first' } }),
    redeploy(host, key.fullKey, { stackName, environmentId: host.environmentId, variables: { GREETING: 'second' } }),
  ]);

  t.is(a.status, 200, a.text);
  t.is(b.status, 200, b.text);
  t.deepEqual(await containersLabelled('rsgo.deployment', deploymentId), [`${stackName}_app running`]);
  const record = (await host.admin('GET', `/api/deployments/${deploymentId}`)).body['deployment'] as Record<string, unknown>;
  const [running] = (await container(`${stackName}_app`)).split(' ');
  t.like((record['services'] as unknown[])[0], { containerId: running });
  const redeploys = (record['history'] as Array<Record<string, unknown>>).filter((h) => h['operation'] === 'redeploy');
  t.deepEqual(redeploys.map((h) => h['outcome']), ['Succeeded', 'Succeeded']);
  // The one that ran last is what runs.
  t.is(await docker('exec', `${stackName}_app`, 'sh', '-c', 'echo $GREETING'), (record['variables'] as Record<string, string | undefined>)['GREETING'] ?? '');
});

test.serial('a redeploy that outlasts the deploy timeout answers 400 in time with a message saying so', async (t) => {
  // Deployed by a host with the usual bounds; redeployed by a second one on the same database
  // whose deploy timeout is short (a first deploy on a loaded machine may take longer).
  const dir = await mkdtemp(join(tmpdir(), 'rsgo-timeout-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const shared = { database: { client: 'sqlite', filename: join(dir, 'rsgo.sqlite') }, env: { RSGO_ADMIN_USER: 'admin', RSGO_ADMIN_PASSWORD: randomBytes(12).toString('hex') } };
  const { host: first, stackName, deploymentId } = await webHost(t, shared);
  await first.host.close();
  const { host } = await webCatalogHost(t, { ...shared, config: { deployments: { timeoutSeconds: 10, lockWaitSeconds: 60, leaseSeconds: 5 } } });
  const key = await createKey(t, host, { name: 'ci', permissions: ['Hooks.Redeploy'] });
  const started = Date.now();

  const res = await redeploy(host, key.fullKey, { stackName, environmentId: host.environmentId, variables: { DELAY: '3600' } });

  t.is(res.status, 400, res.text);
  t.true(Date.now() - started < 90_000);
  t.regex(String(res.body['message']), /^Deployment failed: .*'app'.*the deploy was aborted \(the host's deploy timeout of 10s passed\)/);
  t.like((await host.admin('GET', `/api/deployments/${deploymentId}`)).body['deployment'], { status: 'Failed' });
});

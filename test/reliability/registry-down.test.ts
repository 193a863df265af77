import test, { type ExecutionContext } from 'ava';
import { randomBytes } from 'node:crypto';
import { createKey } from '../support/api-keys.js';
import { docker } from '../support/docker-cli.js';
import { idleCommand, useDeployHost } from '../support/deploy-host.js';
import { startPrivateRegistry } from '../support/private-registry.js';
import { testImages } from '../support/test-images.js';

const images = testImages('reliability-registry-down');

interface HistoryEntry {
  readonly operation: string;
  readonly outcome: string;
  readonly message: string | null;
}

/** Id, image and state of a container: what must not change when a redeploy fails. */
const container = (name: string) => docker('container', 'inspect', '--format', '{{.Id}} {{.Image}} {{.State.Status}}', name);

/** Stack `app-<random>` running `<private registry>/app:${TAG}` (TAG `1`), and a redeploy key. */
async function stackFromPrivateRegistry(t: ExecutionContext) {
  const registry = await startPrivateRegistry(t);
  const repository = `${registry.host}/app`;
  // Registered first, so it runs after the host removed its containers.
  t.teardown(() => docker('image', 'rm', '--force', `${repository}:1`).catch(() => ''));
  await registry.copy(await images.push('app'), 'app', '1');
  const host = await useDeployHost(t, {
    manifests: {
      'app.yaml': `metadata: { name: App, productVersion: "1.0.0" }
variables:
  TAG: { default: "1" }
services:
  app:
    image: ${repository}:\${TAG}
    command: ${idleCommand()}
`,
    },
  });
  const stackName = `app-${randomBytes(4).toString('hex')}`;
  const deployed = await host.admin('POST', '/api/deployments', { environmentId: host.environmentId, stackName, productId: 'stacks:App' });
  t.is(deployed.status, 201, deployed.text);
  const deploymentId = String(deployed.body['deploymentId']);
  const key = await createKey(t, host, { name: 'ci', permissions: ['Hooks.Redeploy'], environmentId: host.environmentId });
  const redeploy = (variables: Record<string, string> = {}) => host.host.request('POST', '/api/hooks/redeploy', { apiKey: key.fullKey, body: { stackName, variables } });
  const record = async () => (await host.admin('GET', `/api/deployments/${deploymentId}`)).body['deployment'] as Record<string, unknown>;
  return { registry, repository, stackName, redeploy, record };
}

test.serial('a redeploy through the webhook while the registry is down or the tag is missing keeps the old container and names image and reason', async (t) => {
  const { registry, repository, stackName, redeploy, record } = await stackFromPrivateRegistry(t);
  const before = await container(`${stackName}_app`);

  const missing = await redeploy({ TAG: 'never-pushed' });
  t.log(`tag missing: ${missing.status} ${String(missing.body['message'])}`);
  t.is(missing.status, 400, missing.text);
  t.regex(String(missing.body['message']), new RegExp(`^Deployment failed: Could not pull image '${repository}:never-pushed' for service 'app': .*not found`, 'i'));

  await registry.stop();
  const down = await redeploy();
  t.log(`registry down: ${down.status} ${String(down.body['message'])}`);
  t.is(down.status, 400, down.text);
  t.regex(String(down.body['message']), new RegExp(`^Deployment failed: Could not pull image '${repository}:1' for service 'app': .*connection refused`));
  t.like(down.body, { success: false, status: 'Running' });

  t.is(await container(`${stackName}_app`), before, 'the old container runs on, untouched');
  const during = await record();
  t.like(during, { status: 'Running', errorMessage: null, variables: { TAG: '1' } });
  const failed = (during['history'] as HistoryEntry[]).slice(-2);
  t.like(failed, [
    { operation: 'redeploy', outcome: 'Failed' },
    { operation: 'redeploy', outcome: 'Failed' },
  ]);
  for (const entry of failed) t.regex(String(entry.message), /Could not pull image .* Nothing was changed: version 1\.0\.0 keeps running\.$/);

  await registry.start();
  const back = await redeploy();
  t.is(back.status, 200, back.text);
  t.not(await container(`${stackName}_app`), before, 'the registry back, the redeploy replaced the container');
  t.like(await record(), { status: 'Running', errorMessage: null });
});

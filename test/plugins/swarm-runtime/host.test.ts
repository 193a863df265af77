import test from 'ava';
import { randomBytes } from 'node:crypto';
import { createKey } from '../../support/api-keys.js';
import { docker } from '../../support/docker-cli.js';
import { idleCommand, useDeployHost, type DeployTestHost } from '../../support/deploy-host.js';
import { startPrivateDockerd } from '../../support/private-dockerd.js';
import { cleanUpSwarmDeployments, runningContainers } from '../../support/swarm-cleanup.js';
import { testImages } from '../../support/test-images.js';

const images = testImages('swarm-runtime-host');

/** The host's own plugins plus swarm-runtime with short bounds. */
const swarmPlugin = { use: 'swarm-runtime', options: { stopTimeoutSeconds: 1, convergeTimeoutSeconds: 120 } };

/**
 * One version of product `Web` (com.example.swarmweb): service `app`, 2 replicas updated
 * start-first, written compose's way (`deploy:`) or ours, with `extra` YAML for the service.
 */
function webVersion(version: string, image: string, style: 'compose' | 'ours', extra = ''): string {
  const swarm =
    style === 'compose'
      ? '    deploy:\n      replicas: 2\n      update_config: { order: start-first, parallelism: 1, failure_action: rollback }\n'
      : '    replicas: 2\n    update: { order: start-first, parallelism: 1, failureAction: rollback }\n';
  return `metadata: { name: Web, productId: com.example.swarmweb, productVersion: "${version}" }
services:
  app:
    image: ${image}
    command: ${idleCommand()}
${swarm}${extra}`;
}

test.serial('swarm environments: the type is listed, a manager is accepted, an engine outside a Swarm or out of reach is refused saying why', async (t) => {
  const host = await useDeployHost(t, { extraPlugins: [swarmPlugin] });

  const unknown = await host.admin('POST', '/api/environments', { name: 'cluster', type: 'kubernetes' });
  t.is(unknown.status, 400, unknown.text);
  t.like(unknown.body, { message: "Unknown environment type 'kubernetes'. Available: docker, swarm.", code: 'ENVIRONMENT_TYPE' });

  const created = await host.admin('POST', '/api/environments', { name: 'swarm', type: 'swarm' });
  t.is(created.status, 201, created.text);
  t.like(created.body['environment'], { name: 'swarm', type: 'swarm', dockerHost: null, isDefault: false });

  const alone = await startPrivateDockerd(t);
  const notManager = await host.admin('POST', '/api/environments', { name: 'alone', type: 'swarm', dockerHost: alone.dockerHost });
  t.is(notManager.status, 400, notManager.text);
  t.like(notManager.body, {
    success: false,
    code: 'SWARM_NOT_MANAGER',
    message: "The engine of environment 'alone' is not a Swarm manager: it is not part of a Swarm (run `docker swarm init` on it, or name a manager in dockerHost).",
  });

  const nowhere = await host.admin('POST', '/api/environments', { name: 'nowhere', type: 'swarm', dockerHost: 'unix:///nonexistent/docker.sock' });
  t.is(nowhere.status, 400, nowhere.text);
  t.is(nowhere.body['code'], 'ENVIRONMENT_SETTINGS');
  t.regex(String(nowhere.body['message']), /^Docker engine of environment 'nowhere' is unreachable: .+; a swarm environment needs a Swarm manager that answers\.$/);

  const names = ((await host.admin('GET', '/api/environments')).body['environments'] as Array<{ name: string }>).map((e) => e.name);
  t.deepEqual(names, ['local', 'swarm']);
});

/** What `/variant` holds in each running task of the stack's service `app`. */
async function variants(stackName: string): Promise<string[]> {
  return Promise.all((await runningContainers(`${stackName}_app`)).map((id) => docker('exec', id, 'cat', '/variant')));
}

async function record(host: DeployTestHost, id: string): Promise<Record<string, unknown>> {
  return (await host.admin('GET', `/api/deployments/${id}`)).body['deployment'] as Record<string, unknown>;
}

test.serial('through the API on Swarm: deploy, upgrade, an upgrade Swarm rolls back stays Running on the old version, redeploy, remove', async (t) => {
  const v1 = await images.push('app', { tag: '1', variant: 'v1' });
  const v2 = await images.push('app', { tag: '2', variant: 'v2' });
  const failingCheck = '    healthCheck: { type: docker, test: ["CMD", "false"], interval: 1s, timeout: 1s, retries: 1 }\n';
  const host = await useDeployHost(t, {
    extraPlugins: [swarmPlugin],
    manifests: {
      'web-1.0.0.yaml': webVersion('1.0.0', v1.ref, 'compose'),
      'web-1.1.0.yaml': webVersion('1.1.0', v2.ref, 'ours'),
      'web-2.0.0.yaml': webVersion('2.0.0', v1.ref, 'ours', failingCheck),
    },
  });
  const environment = await host.admin('POST', '/api/environments', { name: 'swarm', type: 'swarm' });
  const environmentId = String((environment.body['environment'] as Record<string, unknown>)['id']);
  const stackName = `web-${randomBytes(4).toString('hex')}`;

  const deployed = await host.admin('POST', '/api/deployments', { environmentId, stackName, productId: 'com.example.swarmweb', version: '1.0.0' });
  t.is(deployed.status, 201, deployed.text);
  const deploymentId = String(deployed.body['deploymentId']);
  cleanUpSwarmDeployments(t, deploymentId);
  t.deepEqual(await variants(stackName), ['v1', 'v1']);
  const serviceId = await docker('service', 'inspect', '--format', '{{.ID}}', `${stackName}_app`);
  t.like(await record(host, deploymentId), {
    status: 'Running',
    services: [{ serviceName: 'app', serviceId, containerId: serviceId, containerName: `${stackName}_app`, status: 'running', replicas: { running: 2, desired: 2 } }],
  });

  const key = await createKey(t, host, { name: 'release', permissions: ['Hooks.Upgrade', 'Hooks.Redeploy'], environmentId });
  const hook = (path: string, body: Record<string, unknown>) => host.host.request('POST', `/api/hooks/${path}`, { apiKey: key.fullKey, body });

  const upgraded = await hook('upgrade', { stackName, targetVersion: '1.1.0' });
  t.is(upgraded.status, 200, upgraded.text);
  t.deepEqual(await variants(stackName), ['v2', 'v2']);

  const running = await runningContainers(`${stackName}_app`);
  const refused = await hook('upgrade', { stackName, targetVersion: '2.0.0' });
  t.is(refused.status, 400, refused.text);
  // Swarm put the previous spec back itself: the host finds the stack as it was and answers as after a rollback of its own.
  t.regex(String(refused.body['message']), new RegExp(`^Deployment failed: Swarm rolled back the update of service '${stackName}_app': update rolled back due to failure or early termination of task \\w+\\. Rolled back to 1\\.1\\.0\\.$`));
  t.like(await record(host, deploymentId), { status: 'Running', stackVersion: '1.1.0' });
  t.deepEqual((await runningContainers(`${stackName}_app`)).sort(), [...running].sort());

  const redeployed = await hook('redeploy', { stackName });
  t.is(redeployed.status, 200, redeployed.text);
  const fresh = await runningContainers(`${stackName}_app`);
  t.is(fresh.length, 2);
  t.deepEqual(fresh.filter((id) => running.includes(id)), []);
  t.deepEqual(await variants(stackName), ['v2', 'v2']);

  const removed = await host.admin('DELETE', `/api/deployments/${deploymentId}`);
  t.is(removed.status, 200, removed.text);
  t.is(await docker('service', 'ls', '--quiet', '--filter', `label=rsgo.deployment=${deploymentId}`), '');
  t.is(await docker('network', 'ls', '--quiet', '--filter', `name=^${stackName}_default$`), '');
});

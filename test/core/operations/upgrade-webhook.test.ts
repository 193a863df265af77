import test, { type ExecutionContext } from 'ava';
import { randomBytes } from 'node:crypto';
import { createKey } from '../../support/api-keys.js';
import { docker } from '../../support/docker-cli.js';
import { idleCommand, useDeployHost, type DeployTestHost } from '../../support/deploy-host.js';
import { testImages, type TestImage } from '../../support/test-images.js';

const images = testImages('deployments-upgrade');

/** One version of product `Web` (com.example.web): service `app` from `image`, with `extra` YAML. */
function webVersion(version: string, image: string, extra: { variables?: string; command?: string; environment?: string } = {}): string {
  return `metadata: { name: Web, productId: com.example.web, productVersion: "${version}" }
variables:
  GREETING: { default: hello }
${extra.variables ?? ''}services:
  app:
    image: ${image}
    restart: "no"
    command: ${extra.command ?? idleCommand()}
    environment: { GREETING: "\${GREETING}"${extra.environment ?? ''} }
`;
}

/**
 * Versions 1.0.0, 1.2.0, 1.10.0 (adds COLOR, default blue, and EXTRA) and 2.0.0 (exits at start), plus
 * 3.0.0 (an image that was never pushed); stack `web-<random>` deployed at 1.0.0.
 */
async function upgradeHost(t: ExecutionContext) {
  const v1: TestImage = await images.push('app', { tag: '1', variant: 'v1' });
  const v110: TestImage = await images.push('app', { tag: '1.10', variant: 'v1.10' });
  const host = await useDeployHost(t, {
    manifests: {
      'web-1.0.0.yaml': webVersion('1.0.0', v1.ref),
      'web-1.2.0.yaml': webVersion('1.2.0', v1.ref),
      'web-1.10.0.yaml': webVersion('1.10.0', v110.ref, {
        variables: '  COLOR: { default: blue }\n  EXTRA: { default: "" }\n',
        environment: ', COLOR: "${COLOR}", EXTRA: "${EXTRA}"',
      }),
      'web-2.0.0.yaml': webVersion('2.0.0', v110.ref, { command: JSON.stringify(['sh', '-c', 'echo "schema too new" >&2; exit 3']) }),
      'web-3.0.0.yaml': webVersion('3.0.0', images.unpushed('app')),
    },
  });
  const stackName = `web-${randomBytes(4).toString('hex')}`;
  const deployed = await host.admin('POST', '/api/deployments', {
    environmentId: host.environmentId,
    stackName,
    productId: 'com.example.web',
    version: '1.0.0',
    variables: { GREETING: 'moin' },
  });
  t.is(deployed.status, 201, deployed.text);
  const key = await createKey(t, host, { name: 'release', permissions: ['Hooks.Upgrade'], environmentId: host.environmentId });
  return { host, stackName, deploymentId: String(deployed.body['deploymentId']), key: key.fullKey };
}

function upgrade(host: DeployTestHost, apiKey: string, body: Record<string, unknown>) {
  return host.host.request('POST', '/api/hooks/upgrade', { apiKey, body });
}

async function record(host: DeployTestHost, id: string) {
  return (await host.admin('GET', `/api/deployments/${id}`)).body['deployment'] as Record<string, unknown>;
}

const inContainer = (stackName: string, script: string) => docker('exec', `${stackName}_app`, 'sh', '-c', script);

test.serial('an upgrade runs the new version with the new defaults, the stored values and the request values', async (t) => {
  const { host, stackName, deploymentId, key } = await upgradeHost(t);

  const res = await upgrade(host, key, { stackName, targetVersion: '1.10.0', variables: { EXTRA: 'x' } });

  t.is(res.status, 200, res.text);
  t.regex(String(res.body['operationId']), /^[0-9a-f-]{36}$/);
  t.deepEqual(res.body, {
    success: true,
    operationId: res.body['operationId'],
    message: `Successfully upgraded '${stackName}' from 1.0.0 to 1.10.0.`,
    deploymentId,
    previousVersion: '1.0.0',
    newVersion: '1.10.0',
  });
  t.is(await inContainer(stackName, 'echo "$GREETING $COLOR"; cat /variant'), 'moin blue\nv1.10');
  const deployment = await record(host, deploymentId);
  t.like(deployment, { stackVersion: '1.10.0', previousVersion: '1.0.0', status: 'Running', variables: { GREETING: 'moin', COLOR: 'blue', EXTRA: 'x' } });
  t.like((deployment['history'] as unknown[]).at(-1), { operation: 'upgrade', outcome: 'Succeeded', fromVersion: '1.0.0', toVersion: '1.10.0', triggeredBy: 'apiKey:release' });
});

test.serial('an upgrade whose version does not start is rolled back, and the answer says so', async (t) => {
  const { host, stackName, deploymentId, key } = await upgradeHost(t);

  const res = await upgrade(host, key, { stackName, targetVersion: '2.0.0' });

  t.is(res.status, 400, res.text);
  t.like(res.body, { success: false, deploymentId, status: 'Running' });
  t.is(res.body['message'], "Deployment failed: Service 'app' exited with code 3. Last log lines:\n  schema too new Rolled back to 1.0.0.");
  t.is(await inContainer(stackName, 'echo "$GREETING"; cat /variant'), 'moin\nv1');
  const deployment = await record(host, deploymentId);
  t.like(deployment, { stackVersion: '1.0.0', status: 'Running', errorMessage: null });
  const steps = (deployment['history'] as Array<Record<string, unknown>>).slice(-2);
  t.like(steps[0], { operation: 'upgrade', outcome: 'Failed', fromVersion: '1.0.0', toVersion: '2.0.0' });
  t.like(steps[1], { operation: 'rollback', outcome: 'Succeeded', fromVersion: '2.0.0', toVersion: '1.0.0', message: 'Rolled back to 1.0.0.' });
});

test.serial('an upgrade whose image cannot be pulled changes nothing', async (t) => {
  const { host, stackName, deploymentId, key } = await upgradeHost(t);
  const before = await docker('container', 'inspect', '--format', '{{.Id}}', `${stackName}_app`);

  const res = await upgrade(host, key, { stackName, targetVersion: '3.0.0' });

  t.is(res.status, 400, res.text);
  t.regex(String(res.body['message']), /^Deployment failed: Could not pull image '.*' for service 'app': /);
  t.is(await docker('container', 'inspect', '--format', '{{.Id}}', `${stackName}_app`), before);
  t.like(await record(host, deploymentId), { stackVersion: '1.0.0', status: 'Running' });
});

test.serial('every 400 of the upgrade hook has the contract message', async (t) => {
  const { host, stackName, key } = await upgradeHost(t);
  const env = host.environmentId;

  const failedStack = `broken-${randomBytes(4).toString('hex')}`;
  t.is((await host.admin('POST', '/api/deployments', { environmentId: env, stackName: failedStack, productId: 'com.example.web', version: '2.0.0' })).status, 400);
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ targetVersion: '1.2.0' }, 'stackName is required.'],
    [{ stackName }, 'targetVersion is required.'],
    [{ stackName, targetVersion: '1.2.0', environmentId: 'nope' }, "Invalid EnvironmentId format: 'nope'. Must be a valid GUID."],
    [{ stackName: 'nothing-here', targetVersion: '1.2.0' }, `No deployment found for stack 'nothing-here' in environment '${env}'.`],
    [{ stackName: failedStack, targetVersion: '1.2.0' }, "Deployment is in status 'Failed', only running deployments can be upgraded."],
    [{ stackName, targetVersion: '9.9.9' }, "Version '9.9.9' not found in catalog. Available versions: 1.0.0, 1.2.0, 1.10.0, 2.0.0, 3.0.0"],
    [{ stackName, targetVersion: '1.0.0' }, 'Already running version 1.0.0.'],
  ];
  for (const [body, message] of cases) {
    const res = await upgrade(host, key, body);
    t.is(res.status, 400, JSON.stringify(body));
    t.like(res.body, { success: false, message });
  }

  t.is((await upgrade(host, key, { stackName, targetVersion: '1.2.0' })).status, 200);
  const downgrade = await upgrade(host, key, { stackName, targetVersion: '1.0.0' });
  t.is(downgrade.status, 400);
  t.is(downgrade.body['message'], 'Downgrade from 1.2.0 to 1.0.0 is not supported.');

  const redeployOnly = await createKey(t, host, { name: 'redeploy-only', permissions: ['Hooks.Redeploy'] });
  const forbidden = await upgrade(host, redeployOnly.fullKey, { stackName, targetVersion: '1.10.0', environmentId: env });
  t.is(forbidden.status, 403);
  t.is(forbidden.body['message'], "Permission 'Hooks.Upgrade' required.");
});

test.serial('an upgrade to a version that renames the stack stores the new name, so the next redeploy works', async (t) => {
  const { host, stackName, deploymentId, key } = await upgradeHost(t);
  const v1: TestImage = await images.push('app', { tag: '1', variant: 'v1' });
  // A single-stack product's stack is named after the product: version 1.3.0 renames it.
  await host.addManifests({ 'web-1.3.0.yaml': webVersion('1.3.0', v1.ref).replace('name: Web,', 'name: Web Shop,') });

  const upgraded = await upgrade(host, key, { stackName, targetVersion: '1.3.0' });
  t.is(upgraded.status, 200, upgraded.text);
  t.is((await record(host, deploymentId))['stackDefinitionName'], 'Web Shop');

  const redeployKey = await createKey(t, host, { name: 'redeploy', permissions: ['Hooks.Redeploy'], environmentId: host.environmentId });
  const redeployed = await host.host.request('POST', '/api/hooks/redeploy', { apiKey: redeployKey.fullKey, body: { stackName } });
  t.is(redeployed.status, 200, redeployed.text);
  t.is(redeployed.body['stackVersion'], '1.3.0');
  t.is(await inContainer(stackName, 'cat /variant'), 'v1');
});

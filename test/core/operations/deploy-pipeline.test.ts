import test from 'ava';
import { randomBytes } from 'node:crypto';
import { dockerInspect } from '../../support/docker-cli.js';
import { idleCommand, useDeployHost } from '../../support/deploy-host.js';
import { testImages } from '../../support/test-images.js';
import policy, { outcomes } from '../../fixtures/plugins/deploy-policy-plugin.js';

const images = testImages('deployments-pipeline');

async function start(t: Parameters<typeof useDeployHost>[0], command = idleCommand()) {
  const image = await images.push('app');
  return useDeployHost(t, {
    manifests: { 'app.yaml': `metadata: { name: App, productVersion: "1.0.0" }\nservices:\n  app:\n    image: ${image.ref}\n    restart: "no"\n    command: ${command}\n` },
    plugins: { [policy.id]: policy },
    extraPlugins: [{ use: 'deploy-policy' }],
  });
}

test.serial('beforeDeploy may amend the plan: what it adds is on the containers, and afterDeploy sees the success', async (t) => {
  const host = await start(t);
  const stackName = `app-${randomBytes(4).toString('hex')}`;
  const res = await host.admin('POST', '/api/deployments', { environmentId: host.environmentId, stackName, productId: 'stacks:App' });
  t.is(res.status, 201, res.text);
  const container = await dockerInspect<{ Config: { Labels: Record<string, string> } }>('container', `${stackName}_app`);
  t.is(container.Config.Labels['policy.checked'], 'deploy');
  // afterDeploy taps run after the answer: wait for them, not for time.
  await host.host.host.plugins.settled();
  const seen = outcomes.filter((o) => o.plan.stackName === stackName);
  t.is(seen.length, 1);
  t.like(seen[0], { success: true, error: null, plan: { operation: 'deploy', deploymentId: res.body['deploymentId'] } });
  t.is(seen[0]?.result?.services[0]?.containerName, `${stackName}_app`);
});

test.serial('beforeDeploy may veto a plan: its answer reaches the caller, nothing runs, the history says why', async (t) => {
  const host = await start(t);
  const stackName = `forbidden-${randomBytes(4).toString('hex')}`;
  const res = await host.admin('POST', '/api/deployments', { environmentId: host.environmentId, stackName, productId: 'stacks:App' });
  t.is(res.status, 403, res.text);
  t.like(res.body, { success: false, code: 'POLICY_VETO', message: `Policy forbids deploying '${stackName}'.` });
  const [listed] = (await host.admin('GET', '/api/deployments')).body['deployments'] as Array<{ id: string }>;
  const deployment = (await host.admin('GET', `/api/deployments/${String(listed?.id)}`)).body['deployment'] as Record<string, unknown>;
  t.like(deployment, { status: 'Failed', services: [] });
  t.like((deployment['history'] as unknown[])[0], { outcome: 'Failed', message: `Policy forbids deploying '${stackName}'.` });
  await host.host.host.plugins.settled();
  t.like(outcomes.find((o) => o.plan.stackName === stackName), { success: false, error: { code: 'POLICY_VETO' } });
});

test.serial('afterDeploy sees a failed deploy with its reason', async (t) => {
  const host = await start(t, JSON.stringify(['sh', '-c', 'exit 9']));
  const stackName = `app-${randomBytes(4).toString('hex')}`;
  const res = await host.admin('POST', '/api/deployments', { environmentId: host.environmentId, stackName, productId: 'stacks:App' });
  t.is(res.status, 400);
  await host.host.host.plugins.settled();
  const seen = outcomes.find((o) => o.plan.stackName === stackName);
  t.like(seen, { success: false, error: { code: 'DEPLOY_FAILED' } });
  t.regex(seen?.error?.message ?? '', /exited with code 9/);
});

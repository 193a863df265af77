import test from 'ava';
import { randomBytes } from 'node:crypto';
import { createKey } from '../../support/api-keys.js';
import { idleCommand, useDeployHost, type DeployTestHost } from '../../support/deploy-host.js';
import { testImages } from '../../support/test-images.js';
import recorder, { seenIntents } from '../../fixtures/plugins/intent-recorder-plugin.js';
import { testDeployContext } from '../../../core/testing.js';

const images = testImages('deployments-intent');

const manifest = (image: string, version: string) =>
  `metadata: { name: Shop, productId: com.example.intent, productVersion: "${version}" }\nservices:\n  app:\n    image: ${image}\n    command: ${idleCommand()}\n`;

async function start(t: Parameters<typeof useDeployHost>[0]) {
  const image = await images.push('app');
  return useDeployHost(t, {
    manifests: { 'shop-1.yaml': manifest(image.ref, '1.0.0'), 'shop-2.yaml': manifest(image.ref, '2.0.0') },
    plugins: { [recorder.id]: recorder },
    extraPlugins: [{ use: 'intent-recorder' }],
  });
}

async function historyOf(host: DeployTestHost, id: string): Promise<Array<Record<string, unknown>>> {
  return ((await host.admin('GET', `/api/deployments/${id}`)).body['deployment'] as { history: Array<Record<string, unknown>> }).history;
}

async function auditEvents(host: DeployTestHost): Promise<Array<Record<string, unknown>>> {
  await host.host.host.audit.flush();
  return (await host.admin('GET', '/api/audit?pageSize=200')).body['events'] as Array<Record<string, unknown>>;
}

const first = { reason: 'First release of the shop', commit: '3f2c1a9', pipelineUrl: 'https://ci.example.com/acme/shop/actions/runs/101' };
const second = { reason: 'Security patch', commit: 'b7e4d20', pipelineUrl: 'http://gitlab.example.com/acme/shop/-/pipelines/7' };
const third = { reason: 'Move to 2.0', commit: 'v2.0.0', pipelineUrl: 'https://dev.azure.com/acme/shop/_build/results?buildId=55' };
const none = { reason: null, commit: null, pipelineUrl: null };

test("the test kit's deploy context carries the intent it is given, and none by default", (t) => {
  t.deepEqual(testDeployContext({ intent: first }).context.intent, first);
  t.deepEqual(testDeployContext().context.intent, none);
});

test.serial('the intent of a deploy, a redeploy and an upgrade is in the history, the audit and the deploy context', async (t) => {
  const host = await start(t);
  const key = await createKey(t, host, { name: 'pipeline', permissions: ['Hooks.Redeploy', 'Hooks.Upgrade'] });
  const stackName = `shop-${randomBytes(4).toString('hex')}`;

  // Surrounding blanks are trimmed, as for every text field.
  const deployed = await host.admin('POST', '/api/deployments', {
    environmentId: host.environmentId, stackName, productId: 'com.example.intent', version: '1.0.0', ...first, reason: `  ${first.reason} `,
  });
  t.is(deployed.status, 201, deployed.text);
  const id = String(deployed.body['deploymentId']);
  const redeployed = await host.host.request('POST', '/api/hooks/redeploy', { apiKey: key.fullKey, body: { stackName, environmentId: host.environmentId, ...second } });
  t.is(redeployed.status, 200, redeployed.text);
  // Blank intent fields count as absent.
  const plain = await host.host.request('POST', '/api/hooks/redeploy', { apiKey: key.fullKey, body: { stackName, environmentId: host.environmentId, reason: ' ', commit: null } });
  t.is(plain.status, 200, plain.text);
  const upgraded = await host.host.request('POST', '/api/hooks/upgrade', { apiKey: key.fullKey, body: { stackName, targetVersion: '2.0.0', environmentId: host.environmentId, ...third } });
  t.is(upgraded.status, 200, upgraded.text);

  const history = await historyOf(host, id);
  t.is(history.length, 4);
  t.like(history[0], { operation: 'deploy', outcome: 'Succeeded', triggeredBy: 'user:admin', ...first });
  t.like(history[1], { operation: 'redeploy', outcome: 'Succeeded', triggeredBy: 'apiKey:pipeline', ...second });
  t.like(history[2], { operation: 'redeploy', outcome: 'Succeeded', ...none });
  t.like(history[3], { operation: 'upgrade', outcome: 'Succeeded', toVersion: '2.0.0', ...third });

  const events = await auditEvents(host);
  t.like(events.find((e) => e['action'] === 'deployment.deploy' && e['target'] === stackName), { outcome: 'success', ...first });
  const hookCalls = events.filter((e) => e['action'] === 'hook.call' && e['outcome'] === 'success').reverse();
  t.is(hookCalls.length, 3);
  t.like(hookCalls[0], { endpoint: 'POST /api/hooks/redeploy', ...second });
  t.like(hookCalls[1], { endpoint: 'POST /api/hooks/redeploy', ...none });
  t.like(hookCalls[2], { endpoint: 'POST /api/hooks/upgrade', target: `${stackName} -> 2.0.0`, ...third });

  // afterDeploy runs after the answer: wait for the plugins, not for time.
  await host.host.host.plugins.settled();
  t.deepEqual(
    seenIntents.filter((seen) => seen.stackName === stackName),
    [
      { stackName, operation: 'deploy', intent: first },
      { stackName, operation: 'redeploy', intent: second },
      { stackName, operation: 'redeploy', intent: none },
      { stackName, operation: 'upgrade', intent: third },
    ],
  );
});

test.serial('a product deployment keeps its intent on the history of each of its stacks', async (t) => {
  const host = await start(t);
  const deploymentName = `shop-${randomBytes(4).toString('hex')}`;
  const res = await host.admin('POST', '/api/product-deployments', { environmentId: host.environmentId, productId: 'com.example.intent', version: '1.0.0', deploymentName, ...first });
  t.is(res.status, 201, res.text);
  const stacks = res.body['stacks'] as Array<{ deploymentId: string }>;
  t.is(stacks.length, 1);
  t.like((await historyOf(host, String(stacks[0]?.deploymentId)))[0], { operation: 'deploy', outcome: 'Succeeded', ...first });
  const events = await auditEvents(host);
  t.like(events.find((e) => e['action'] === 'deployment.deployProduct'), { outcome: 'success', target: 'com.example.intent', ...first });
});

test.serial('bad intent values are 400s naming the field, on hooks and deploys alike; nothing is deployed', async (t) => {
  const host = await start(t);
  const key = await createKey(t, host, { name: 'pipeline', permissions: ['Hooks.Redeploy', 'Hooks.Upgrade'] });
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ reason: 'x'.repeat(501) }, "Field 'reason' must be at most 500 characters."],
    [{ reason: 42 }, "Field 'reason' must be a string."],
    [{ commit: 'c'.repeat(101) }, "Field 'commit' must be at most 100 characters."],
    [{ commit: ['abc'] }, "Field 'commit' must be a string."],
    [{ pipelineUrl: 'ftp://ci.example.com/run/1' }, "Field 'pipelineUrl' must be an http or https URL."],
    [{ pipelineUrl: 'runs/1' }, "Field 'pipelineUrl' must be an http or https URL."],
    [{ pipelineUrl: `https://ci.example.com/${'r'.repeat(2030)}` }, "Field 'pipelineUrl' must be at most 2048 characters."],
  ];
  const environmentId = host.environmentId;
  const stackName = `shop-${randomBytes(4).toString('hex')}`;
  const requests = [
    (fields: Record<string, unknown>) => host.host.request('POST', '/api/hooks/redeploy', { apiKey: key.fullKey, body: { stackName, environmentId, ...fields } }),
    (fields: Record<string, unknown>) => host.host.request('POST', '/api/hooks/upgrade', { apiKey: key.fullKey, body: { stackName, targetVersion: '2.0.0', environmentId, ...fields } }),
    (fields: Record<string, unknown>) => host.admin('POST', '/api/deployments', { environmentId, stackName, productId: 'com.example.intent', ...fields }),
    (fields: Record<string, unknown>) => host.admin('POST', '/api/product-deployments', { environmentId, productId: 'com.example.intent', deploymentName: stackName, ...fields }),
  ];
  for (const send of requests) {
    for (const [fields, message] of cases) {
      const res = await send(fields);
      t.is(res.status, 400, JSON.stringify(fields));
      t.like(res.body, { success: false, code: 'INVALID_INPUT', message }, JSON.stringify(fields));
    }
  }
  // A URL of exactly 2048 characters is taken.
  const longest = `https://ci.example.com/${'r'.repeat(2048 - 'https://ci.example.com/'.length)}`;
  const deployed = await host.admin('POST', '/api/deployments', { environmentId, stackName, productId: 'com.example.intent', version: '1.0.0', pipelineUrl: longest });
  t.is(deployed.status, 201, deployed.text);
  const listed = (await host.admin('GET', '/api/deployments')).body['deployments'] as unknown[];
  t.is(listed.length, 1, 'only the valid request deployed');
  t.like((await historyOf(host, String(deployed.body['deploymentId'])))[0], { pipelineUrl: longest, reason: null, commit: null });
});

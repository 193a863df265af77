import test from 'ava';
import { randomBytes } from 'node:crypto';
import { createKey } from '../../support/api-keys.js';
import { idleCommand, useDeployHost } from '../../support/deploy-host.js';
import { eventually } from '../../support/host-process.js';
import { testImages } from '../../support/test-images.js';
import { secretTraces, uniqueSecret } from '../../support/unique-secret.js';
import { useWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '../../support/webhook-receiver.js';

const images = testImages('webhook-notifier-events');

/** Product Leaky with a Password variable; version 2.0.0 prints its environment and exits at start. */
function leakyVersion(version: string, image: string): string {
  return `metadata: { name: Leaky, productId: com.example.leaky, productVersion: "${version}" }
variables:
  DB_PASSWORD: { type: Password, required: true }
services:
  app:
    image: ${image}
    restart: "no"
    command: ${version === '2.0.0' ? JSON.stringify(['sh', '-c', 'env; exit 3']) : idleCommand()}
    environment: { DB_PASSWORD: "\${DB_PASSWORD}" }
`;
}

const deploymentEvents = (receiver: WebhookReceiver) => receiver.received.filter((request) => String(request.json['type']).startsWith('deployment.'));
const dataOf = (request: ReceivedWebhook | undefined) => (request?.json['data'] ?? {}) as Record<string, unknown>;

test.serial('deploys, failed upgrades and rollbacks post their events with deployment, actor and versions, never a Password value', async (t) => {
  const json = await useWebhookReceiver(t);
  const slack = await useWebhookReceiver(t, '/services/T1/B1/x');
  const image = await images.push('app');
  const host = await useDeployHost(t, {
    manifests: { 'leaky-1.yaml': leakyVersion('1.0.0', image.ref), 'leaky-2.yaml': leakyVersion('2.0.0', image.ref) },
    extraPlugins: [
      {
        use: 'webhook-notifier',
        options: {
          targets: [
            { url: json.url, secret: json.secret, events: ['deployment.succeeded', 'deployment.failed', 'deployment.rolled_back'] },
            { url: slack.url, secret: slack.secret, format: 'slack', events: ['deployment.failed', 'deployment.rolled_back'] },
          ],
        },
      },
    ],
  });
  const secret = uniqueSecret('notifier-db-password');
  const stackName = `leaky-${randomBytes(4).toString('hex')}`;

  const deployed = await host.admin('POST', '/api/deployments', {
    environmentId: host.environmentId,
    stackName,
    productId: 'com.example.leaky',
    version: '1.0.0',
    variables: { DB_PASSWORD: secret },
  });
  t.is(deployed.status, 201, deployed.text);
  const deploymentId = String(deployed.body['deploymentId']);
  const succeeded = await eventually('deployment.succeeded', 30_000, async () => deploymentEvents(json)[0]);
  t.true(succeeded.verified);
  t.is(succeeded.json['type'], 'deployment.succeeded');
  t.like(dataOf(succeeded), {
    deployment: { id: deploymentId, stackName, environmentId: host.environmentId, productId: 'com.example.leaky', version: '1.0.0', previousVersion: null },
    operation: 'deploy',
    actor: { kind: 'user', name: 'admin' },
    operationId: deployed.headers.get('x-request-id'),
  });

  const key = await createKey(t, host, { name: 'release-pipeline', permissions: ['Hooks.Upgrade'], environmentId: host.environmentId });
  const intent = { reason: 'Release 2.0.0', commit: '3f2c1a9', pipelineUrl: 'https://ci.example.com/runs/7' };
  const upgraded = await host.host.request('POST', '/api/hooks/upgrade', { apiKey: key.fullKey, body: { stackName, targetVersion: '2.0.0', ...intent } });
  t.is(upgraded.status, 400, upgraded.text);
  t.regex(String(upgraded.body['message']), /Rolled back to 1\.0\.0\./);

  const [, failed, rolledBack] = await eventually('the upgrade\'s events', 30_000, async () => {
    const events = deploymentEvents(json);
    return events.length >= 3 ? events : undefined;
  });
  t.is(failed?.json['type'], 'deployment.failed');
  t.like(dataOf(failed), {
    deployment: { id: deploymentId, stackName, version: '2.0.0', previousVersion: '1.0.0' },
    operation: 'upgrade',
    actor: { kind: 'apiKey', name: 'release-pipeline' },
    // A hook call's events name the operation it became, and carry its intent.
    operationId: upgraded.body['operationId'],
    requestId: upgraded.headers.get('x-request-id'),
    intent,
  });
  t.is(typeof upgraded.body['operationId'], 'string');
  const error = dataOf(failed)['error'] as Record<string, unknown>;
  t.regex(String(error['message']), /DB_PASSWORD=\*{8}/, 'the container\'s last lines are relayed, the value hidden');
  t.is(rolledBack?.json['type'], 'deployment.rolled_back');
  t.like(dataOf(rolledBack), { deployment: { id: deploymentId, version: '1.0.0', previousVersion: '2.0.0' }, operation: 'rollback', operationId: upgraded.body['operationId'], intent });
  t.true([failed, rolledBack].every((request) => request?.verified === true));

  const slackMessages = await eventually('the Slack messages', 30_000, async () => (slack.received.length >= 2 ? slack.received : undefined));
  t.regex(String(slackMessages[0]?.json['text']), new RegExp(`^upgrade of ${stackName} to 2\\.0\\.0 failed`));
  t.regex(String(slackMessages[1]?.json['text']), new RegExp(`^${stackName} was rolled back to 1\\.0\\.0 from 2\\.0\\.0`));

  const deliveries = await host.admin('GET', '/api/event-deliveries?pageSize=200');
  const everything = [...json.received, ...slack.received].map((request) => request.body).join('\n') + deliveries.text;
  t.false(
    secretTraces(secret).some((trace) => everything.includes(trace)),
    'a Password value in an event body or the deliveries list',
  );
});

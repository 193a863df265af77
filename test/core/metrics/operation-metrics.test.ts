import test from 'ava';
import { randomBytes } from 'node:crypto';
import { createKey } from '../../support/api-keys.js';
import { idleCommand, useDeployHost } from '../../support/deploy-host.js';
import { unservedQueries } from '../../support/monitoring-queries.js';
import { parsePrometheusText, sampleValue, type Family } from '../../support/prometheus-text.js';
import { testImages } from '../../support/test-images.js';
import { secretTraces, uniqueSecret } from '../../support/unique-secret.js';

const images = testImages('metrics-operations');

test.serial('a deploy and real redeploys show in operation durations, image pulls, hook outcomes and deployments by status', async (t) => {
  const image = await images.push('app', { tag: 'stable' });
  const repository = image.ref.slice(0, image.ref.lastIndexOf(':'));
  const host = await useDeployHost(t, {
    manifests: {
      'app.yaml': `metadata: { name: App, productId: com.example.metrics-app, productVersion: "1.0.0" }
variables:
  TAG: { default: stable }
  API_TOKEN: { type: Password, required: true }
services:
  app:
    image: ${repository}:\${TAG}
    environment: { API_TOKEN: "\${API_TOKEN}" }
    command: ${idleCommand()}
`,
    },
  });
  const scrape = async (): Promise<Map<string, Family>> => parsePrometheusText((await host.host.request('GET', '/metrics')).text);
  const operations = (families: Map<string, Family>, kind: string, outcome: string) =>
    sampleValue(families, 'rsgo_operation_duration_seconds_count', { kind, outcome }) ?? 0;
  const pulls = (families: Map<string, Family>) => sampleValue(families, 'rsgo_image_pull_duration_seconds_count');

  const stackName = `metrics-${randomBytes(4).toString('hex')}`;
  const secret = uniqueSecret('metrics');
  const deployed = await host.admin('POST', '/api/deployments', {
    environmentId: host.environmentId, stackName, productId: 'com.example.metrics-app', variables: { API_TOKEN: secret },
  });
  t.is(deployed.status, 201, deployed.text);
  const afterDeploy = await scrape();
  t.is(operations(afterDeploy, 'deploy', 'succeeded'), 1);
  t.is(pulls(afterDeploy), 1);
  t.is(sampleValue(afterDeploy, 'rsgo_deployments', { status: 'Running' }), 1);

  const key = await createKey(t, host, { name: 'ci', permissions: ['Hooks.Redeploy'] });
  const redeploy = (variables: Record<string, string> = {}) =>
    host.host.request('POST', '/api/hooks/redeploy', { apiKey: key.fullKey, body: { stackName, environmentId: host.environmentId, variables } });
  const ok = await redeploy();
  t.is(ok.status, 200, ok.text);
  const afterRedeploy = await scrape();
  t.is(operations(afterRedeploy, 'redeploy', 'succeeded'), 1);
  t.is(pulls(afterRedeploy), 2);
  t.is(sampleValue(afterRedeploy, 'rsgo_hook_requests_total', { endpoint: 'redeploy', outcome: 'success' }), 1);
  t.true((sampleValue(afterRedeploy, 'rsgo_operation_duration_seconds_sum', { kind: 'redeploy', outcome: 'succeeded' }) ?? 0) > 0);

  // A tag that was never pushed: the pull fails, the work was done and failed (a 400 all the same).
  const failed = await redeploy({ TAG: 'never-pushed' });
  t.is(failed.status, 400, failed.text);
  t.is(failed.body['code'], 'DEPLOY_FAILED');
  const afterFailure = await scrape();
  t.is(operations(afterFailure, 'redeploy', 'failed'), 1);
  t.is(pulls(afterFailure), 2, 'a failed pull is not timed');
  t.is(sampleValue(afterFailure, 'rsgo_hook_requests_total', { endpoint: 'redeploy', outcome: 'failed' }), 1);
  t.is(sampleValue(afterFailure, 'rsgo_hook_requests_total', { endpoint: 'redeploy', outcome: 'rejected' }), 0);
  // Nothing was changed: the old containers run on.
  t.is(sampleValue(afterFailure, 'rsgo_deployments', { status: 'Running' }), 1);

  const removed = await host.admin('DELETE', `/api/deployments/${String(deployed.body['deploymentId'])}`);
  t.is(removed.status, 200, removed.text);
  const afterRemoval = await scrape();
  t.is(operations(afterRemoval, 'remove', 'succeeded'), 1);
  t.is(sampleValue(afterRemoval, 'rsgo_deployments', { status: 'Running' }), 0);
  t.is(sampleValue(afterRemoval, 'rsgo_deployments', { status: 'Removed' }), 1);
  const text = (await host.host.request('GET', '/metrics')).text;
  t.false(text.includes(stackName));
  t.false(text.includes(repository));
  for (const trace of secretTraces(secret)) t.false(text.includes(trace));
  // Every series has samples now: the shipped dashboard and alert rules read only what a host serves.
  t.deepEqual(unservedQueries(parsePrometheusText(text)), []);
});

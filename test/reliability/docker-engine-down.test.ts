import test, { type ExecutionContext } from 'ava';
import { randomBytes } from 'node:crypto';
import type { TestResponse } from '../../core/testing.js';
import { createKey } from '../support/api-keys.js';
import { idleCommand, useDeployHost } from '../support/deploy-host.js';
import { sharedDefaultBridge, startPrivateDockerd } from '../support/private-dockerd.js';
import { testImages } from '../support/test-images.js';

const images = testImages('reliability-engine-down');

interface DeploymentView {
  readonly status: string;
  readonly errorMessage: string | null;
  readonly services: ReadonlyArray<{ containerId: string; status: string }>;
  readonly history: ReadonlyArray<{ operation: string; outcome: string; message: string | null }>;
}

/** A host, a second engine of the test's own as environment `edge`, and one stack running there. */
async function stackOnPrivateEngine(t: ExecutionContext) {
  const engine = await startPrivateDockerd(t);
  const image = await images.push('app');
  const host = await useDeployHost(t, {
    manifests: {
      'app.yaml': `metadata: { name: App, productVersion: "1.0.0" }\nservices:\n  app:\n    image: ${image.ref}\n    command: ${idleCommand()}\n`,
    },
  });
  const created = await host.admin('POST', '/api/environments', { name: 'edge', type: 'docker', dockerHost: engine.dockerHost });
  t.is(created.status, 201, created.text);
  const environmentId = (created.body['environment'] as { id: string }).id;
  const stackName = `app-${randomBytes(4).toString('hex')}`;
  const deployed = await host.admin('POST', '/api/deployments', { environmentId, stackName, productId: 'stacks:App' });
  t.is(deployed.status, 201, deployed.text);
  const deploymentId = String(deployed.body['deploymentId']);
  const key = await createKey(t, host, { name: 'ci', permissions: ['Hooks.Redeploy'], environmentId });
  const redeploy = () => host.host.request('POST', '/api/hooks/redeploy', { apiKey: key.fullKey, body: { stackName } });
  const record = async () => (await host.admin('GET', `/api/deployments/${deploymentId}`)).body['deployment'] as DeploymentView;
  return { engine, host, deploymentId, redeploy, record };
}

function logAnswer(t: ExecutionContext, what: string, res: TestResponse): void {
  t.log(`${what}: ${res.status} ${String(res.body['code'])}: ${String(res.body['message'])}`);
}

test('A redeploy while the environment engine is stopped gets a 503 naming it, changes no record, and succeeds once the engine is back', async (t) => {
  const sharedBridge = await sharedDefaultBridge();
  t.not(sharedBridge.addresses.length, 0, `the shared engine's bridge ${sharedBridge.name} has an address before the test`);
  const { engine, redeploy, record } = await stackOnPrivateEngine(t);
  const before = await record();
  await engine.stop();

  const refused = await redeploy();
  logAnswer(t, 'engine stopped', refused);
  t.is(refused.status, 503, refused.text);
  t.regex(String(refused.body['message']), /^Docker engine of environment 'edge' is unreachable: /);
  const during = await record();
  t.log(JSON.stringify({ status: during.status, errorMessage: during.errorMessage, last: during.history.at(-1) }));
  t.is(during.status, before.status, 'the record keeps what it knew: nothing was changed');
  t.like(during.history.at(-1), { operation: 'redeploy', outcome: 'Failed' });

  await engine.start();
  const again = await redeploy();
  logAnswer(t, 'engine back', again);
  t.is(again.status, 200, again.text);
  const after = await record();
  t.is(after.status, 'Running');

  // Restarting the private engine must leave the shared engine's networking as it was.
  await engine.stop();
  t.deepEqual(await sharedDefaultBridge(), sharedBridge, "the shared engine's default bridge and its address are still there");
});

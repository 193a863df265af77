import test from 'ava';
import { randomBytes, randomUUID } from 'node:crypto';
import { createKey } from '../../../support/api-keys.js';
import { databaseEngines } from '../../../support/databases.js';
import { idleCommand, removeEnvironmentResources, useDeployHost } from '../../../support/deploy-host.js';
import { testImages } from '../../../support/test-images.js';

const images = testImages('environment-delete');
const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

// Serial: each test deploys a stack, and every stack gets a network from the engine's small pool.
for (const engine of databaseEngines) {
  test.serial(`an environment is deleted once nothing lives in it; the default one never (${engine})`, async (t) => {
    const image = await images.push('app');
    const host = await useDeployHost(t, {
      engine,
      manifests: { 'Idle.yaml': `metadata:\n  name: Idle\n  productVersion: "1.0.0"\nservices:\n  app:\n    image: ${image.ref}\n    command: ${idleCommand()}\n` },
    });
    const remove = (id: string) => host.admin('DELETE', `/api/environments/${id}`);

    const local = await remove(host.environmentId);
    t.is(local.status, 409, local.text);
    t.like(local.body, { success: false, message: "Environment 'local' is the default environment and cannot be deleted.", code: 'ENVIRONMENT_DEFAULT' });
    const missing = randomUUID();
    t.like((await remove(missing)).body, { success: false, message: `Environment '${missing}' not found.`, code: 'ENVIRONMENT_NOT_FOUND' });
    t.is((await remove(missing)).status, 404);

    const created = await host.admin('POST', '/api/environments', { name: 'edge', dockerHost: 'unix:///var/run/docker.sock' });
    t.is(created.status, 201, created.text);
    const edgeId = String((created.body['environment'] as { id: string }).id);
    t.teardown(() => removeEnvironmentResources(edgeId));
    const deployed = await host.admin('POST', '/api/deployments', { environmentId: edgeId, stackName: unique('idle'), productId: 'stacks:Idle' });
    t.is(deployed.status, 201, deployed.text);
    const deploymentId = String(deployed.body['deploymentId']);
    const key = await createKey(t, host, { name: unique('ci'), permissions: ['Hooks.Redeploy'], environmentId: edgeId });

    const busy = await remove(edgeId);
    t.is(busy.status, 409, busy.text);
    t.like(busy.body, { message: "Environment 'edge' holds 1 deployment(s) that are not removed; remove them first.", code: 'ENVIRONMENT_IN_USE' });
    t.is((await host.admin('DELETE', `/api/deployments/${deploymentId}`)).status, 200);

    const keyed = await remove(edgeId);
    t.is(keyed.status, 409, keyed.text);
    t.like(keyed.body, { message: "Environment 'edge' has 1 API key(s) scoped to it that are not revoked; revoke them first.", code: 'ENVIRONMENT_IN_USE' });
    t.is((await host.admin('DELETE', `/api/api-keys/${key.id}`)).status, 200);

    const deleted = await remove(edgeId);
    t.is(deleted.status, 200, deleted.text);
    t.like(deleted.body, { success: true, message: "Environment 'edge' deleted." });
    const names = ((await host.admin('GET', '/api/environments')).body['environments'] as Array<{ name: string }>).map((e) => e.name);
    t.deepEqual(names, ['local']);
    // The removed deployment's record went with it; the revoked key stays listed, no longer scoped.
    t.is((await host.admin('GET', `/api/deployments/${deploymentId}`)).status, 404);
    t.like((await host.admin('GET', '/api/api-keys')).body['apiKeys'], [{ id: key.id, isRevoked: true, environmentId: null }]);
    const events = (await host.admin('GET', '/api/audit')).body['events'] as Array<Record<string, unknown>>;
    t.like(events.find((event) => event['action'] === 'environment.deleted'), { outcome: 'success', status: 200, target: 'edge', environmentId: edgeId, actorName: 'admin' });
    t.is((await remove(edgeId)).status, 404);
  });
}

import test from 'ava';
import { randomUUID } from 'node:crypto';
import { DeploymentStore, type NewDeployment, type OperationStart } from '../../../core/deployments/deployment-store.js';
import { EnvironmentService } from '../../../core/environments/environment-service.js';
import { RuntimeRegistry } from '../../../core/hooks/runtime-registry.js';
import { databaseEngines } from '../../support/databases.js';
import { useTestStore } from '../../support/test-store.js';

function newDeployment(environmentId: string, stackName: string): NewDeployment {
  return {
    id: randomUUID(),
    environmentId,
    stackName,
    stackId: 'stacks:shop:1.0.0:Shop',
    productId: 'com.example.shop',
    productName: 'Shop',
    stackDefinitionName: 'Shop',
    version: '1.0.0',
    variables: { DB_PASSWORD: 'pw', GREETING: 'hi' },
    secretVariables: ['DB_PASSWORD'],
    productDeploymentId: null,
    stackOrder: null,
  };
}

const deployStart: OperationStart = { operation: 'deploy', status: 'Installing', triggeredBy: 'user:admin', fromVersion: null, toVersion: '1.0.0', pending: null };

for (const engine of databaseEngines) {
  test(`a deployment and its history are recorded, and an operation's end is written with it (${engine})`, async (t) => {
    const { store: db } = await useTestStore(t, engine);
    const environment = await new EnvironmentService(db, new RuntimeRegistry()).ensureDefault();
    const store = new DeploymentStore(db);
    const created = newDeployment(environment.id, 'Shop-1');
    const entry = await store.create(created, deployStart);
    t.like(await store.get(created.id), { status: 'Installing', stackName: 'Shop-1', variables: created.variables, secretVariables: ['DB_PASSWORD'] });
    t.like((await store.listInFlight())[0], { id: created.id });

    const services = [{ serviceName: 'app', containerId: 'c1', containerName: 'Shop-1_app', image: 'app:1', status: 'running', lifecycle: 'service' as const }];
    await store.finishOperation(created.id, entry, { status: 'Running', outcome: 'Succeeded', message: 'Deployed.', errorMessage: null, services });
    t.like(await store.get(created.id), { status: 'Running', services, pending: null });
    t.deepEqual(await store.listInFlight(), []);
    // Stack names match case-insensitively, on every engine alike.
    t.is((await store.findActive(environment.id, 'shop-1'))?.id, created.id);
    // A check before the lock reads the same state, version and values, without the rest.
    t.deepEqual(await store.findActiveStanding(environment.id, 'shop-1'), {
      status: 'Running', productId: 'com.example.shop', stackDefinitionName: 'Shop', stackVersion: '1.0.0', variables: created.variables,
    });
    t.is(await store.findActiveStanding(environment.id, 'shop-2'), null);

    const second = await store.startOperation(created.id, { ...deployStart, operation: 'upgrade', status: 'Upgrading', fromVersion: '1.0.0', toVersion: '2.0.0' });
    await store.finishOperation(created.id, second, {
      status: 'Running',
      outcome: 'Succeeded',
      message: 'Upgraded.',
      errorMessage: null,
      commit: { stackId: 'stacks:shop:2.0.0:Shop', stackDefinitionName: 'Shop', version: '2.0.0', previousVersion: '1.0.0', variables: { GREETING: 'hey' }, secretVariables: [] },
    });
    t.like(await store.get(created.id), { stackVersion: '2.0.0', previousVersion: '1.0.0', variables: { GREETING: 'hey' }, services });
    const history = await store.history(created.id);
    t.deepEqual(
      history.map((h) => [h.operation, h.outcome, h.fromVersion, h.toVersion, h.message]),
      [
        ['deploy', 'Succeeded', null, '1.0.0', 'Deployed.'],
        ['upgrade', 'Succeeded', '1.0.0', '2.0.0', 'Upgraded.'],
      ],
    );
    t.true(history.every((h) => h.finishedAt !== null && h.finishedAt >= h.startedAt));
  });

  test(`the database refuses a second live deployment of a stack name; a removed one frees it (${engine})`, async (t) => {
    const { store: db } = await useTestStore(t, engine);
    const environment = await new EnvironmentService(db, new RuntimeRegistry()).ensureDefault();
    const store = new DeploymentStore(db);
    const first = newDeployment(environment.id, 'shop');
    const entry = await store.create(first, deployStart);
    await t.throwsAsync(store.create(newDeployment(environment.id, 'SHOP'), deployStart), { any: true });
    await store.finishOperation(first.id, entry, { status: 'Removed', outcome: 'Succeeded', message: 'Removed.', errorMessage: null });
    t.is(await store.findActive(environment.id, 'shop'), null);
    const again = newDeployment(environment.id, 'shop');
    await store.create(again, deployStart);
    t.is((await store.findActive(environment.id, 'shop'))?.id, again.id);
    t.is((await store.list(environment.id)).length, 2);
  });

  test(`interrupted history entries are closed with the reason (${engine})`, async (t) => {
    const { store: db } = await useTestStore(t, engine);
    const environment = await new EnvironmentService(db, new RuntimeRegistry()).ensureDefault();
    const store = new DeploymentStore(db);
    const created = newDeployment(environment.id, 'shop');
    await store.create(created, deployStart);
    await store.closeInterrupted(created.id, 'Interrupted.');
    t.like((await store.history(created.id))[0], { outcome: 'Failed', message: 'Interrupted.' });
  });
}

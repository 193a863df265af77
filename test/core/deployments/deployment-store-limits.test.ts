import test from 'ava';
import { randomUUID } from 'node:crypto';
import { MAX_STORED_TEXT } from '../../../core/deployments/bounded-text.js';
import { DeploymentStore } from '../../../core/deployments/deployment-store.js';
import { EnvironmentService } from '../../../core/environments/environment-service.js';
import { RuntimeRegistry } from '../../../core/hooks/runtime-registry.js';
import { databaseEngines } from '../../support/databases.js';
import { useTestStore } from '../../support/test-store.js';

for (const engine of databaseEngines) {
  test(`a failure message over 64 KiB is stored cut, with a marker, and the operation ends (${engine})`, async (t) => {
    const { store: db } = await useTestStore(t, engine);
    const environment = await new EnvironmentService(db, new RuntimeRegistry()).ensureDefault();
    const store = new DeploymentStore(db);
    const id = randomUUID();
    const entry = await store.create(
      {
        id, environmentId: environment.id, stackName: 'noisy', stackId: 'stacks:noisy:1.0.0:Noisy', productId: 'noisy', productName: 'Noisy',
        stackDefinitionName: 'Noisy', version: '1.0.0', variables: {}, secretVariables: [], productDeploymentId: null, stackOrder: null,
      },
      { operation: 'deploy', status: 'Installing', triggeredBy: 'user:admin', fromVersion: null, toVersion: '1.0.0', pending: null },
    );
    // A container that printed 70,000 four-byte characters before it exited: 280 KB of UTF-8.
    const output = `Deployment failed: ${'🦀'.repeat(70_000)}`;

    await store.finishOperation(id, entry, { status: 'Failed', outcome: 'Failed', message: output, errorMessage: output });

    const deployment = await store.require(id);
    t.is(deployment.status, 'Failed');
    t.deepEqual(await store.listInFlight(), []);
    const [history] = await store.history(id);
    for (const stored of [deployment.errorMessage ?? '', history?.message ?? '']) {
      t.true(stored.startsWith('Deployment failed: 🦀'));
      t.true(stored.endsWith('🦀…(cut)'));
      t.true(stored.length <= MAX_STORED_TEXT);
    }
  });
}

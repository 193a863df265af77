import test from 'ava';
import { randomBytes } from 'node:crypto';
import type { Store } from '../../../core/store/open-store.js';
import { createKey } from '../../support/api-keys.js';
import type { DatabaseEngine } from '../../support/databases.js';
import { docker } from '../../support/docker-cli.js';
import { idleCommand, useDeployHost, type DeployTestHost } from '../../support/deploy-host.js';
import { eventually } from '../../support/host-process.js';
import { testImages } from '../../support/test-images.js';
import { secretTraces, uniqueSecret } from '../../support/unique-secret.js';

const images = testImages('store-failures');

function version(version: string, image: string): string {
  return `metadata: { name: Vault, productId: com.example.vault, productVersion: "${version}" }
variables:
  DB_PASSWORD: { type: Password, required: true }
services:
  app:
    image: ${image}
    command: ${idleCommand()}
    environment: { DB_PASSWORD: "\${DB_PASSWORD}" }
`;
}

/** A fault the real database produces on demand; `add` returns what takes it away again. */
type StoreFault = (store: Store, engine: DatabaseEngine) => Promise<() => Promise<void>>;

const faults: Record<string, StoreFault> = {
  /** The write that ends an upgrade (Upgrading → Running) is refused, as a full disk would. */
  'a refused write': async (store, engine) => {
    if (engine === 'sqlite') {
      await store.raw(`CREATE TRIGGER refuse_upgrade_record BEFORE UPDATE OF status ON deployments
        WHEN OLD.status = 'Upgrading' AND NEW.status = 'Running'
        BEGIN SELECT RAISE(ABORT, 'disk I/O refused the write'); END`);
    } else {
      await store.raw(`CREATE TRIGGER refuse_upgrade_record BEFORE UPDATE ON deployments FOR EACH ROW
        BEGIN IF OLD.status = 'Upgrading' AND NEW.status = 'Running' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'disk I/O refused the write'; END IF; END`);
    }
    return async () => void (await store.raw('DROP TRIGGER refuse_upgrade_record'));
  },
  /** A unique index the history already fills: closing the upgrade's entry as Succeeded violates it. */
  'a unique violation': async (store, engine) => {
    await store.raw('CREATE UNIQUE INDEX one_entry_per_outcome ON deployment_history (deployment_id, outcome)');
    return async () => void (await store.raw(engine === 'sqlite' ? 'DROP INDEX one_entry_per_outcome' : 'DROP INDEX one_entry_per_outcome ON deployment_history'));
  },
};

async function record(host: DeployTestHost, id: string): Promise<Record<string, unknown>> {
  return (await host.admin('GET', `/api/deployments/${id}`)).body['deployment'] as Record<string, unknown>;
}

for (const [fault, inject] of Object.entries(faults)) {
  for (const engine of ['sqlite', 'mysql'] as const) {
    test.serial(`an upgrade whose final write meets ${fault} is not rolled back and is reconciled to what runs, without a restart (${engine})`, async (t) => {
      const v1 = await images.push('app', { tag: '1', variant: 'v1' });
      const v2 = await images.push('app', { tag: '2', variant: 'v2' });
      const host = await useDeployHost(t, { engine, manifests: { 'vault-1.yaml': version('1.0.0', v1.ref), 'vault-2.yaml': version('2.0.0', v2.ref) } });
      const password = uniqueSecret('vault-db-password');
      const stackName = `vault-${randomBytes(4).toString('hex')}`;
      const variables = { DB_PASSWORD: password };
      const deployed = await host.admin('POST', '/api/deployments', { environmentId: host.environmentId, stackName, productId: 'com.example.vault', version: '1.0.0', variables });
      t.is(deployed.status, 201, deployed.text);
      const id = String(deployed.body['deploymentId']);
      const key = await createKey(t, host, { name: 'release', permissions: ['Hooks.Upgrade'], environmentId: host.environmentId });
      const allow = await inject(host.host.host.store, engine);

      const upgraded = await host.host.request('POST', '/api/hooks/upgrade', { apiKey: key.fullKey, body: { stackName, targetVersion: '2.0.0' } });

      // The runtime succeeded: no deployment failure, no rollback; the new version runs.
      t.is(upgraded.status, 500, upgraded.text);
      t.is(await docker('exec', `${stackName}_app`, 'cat', '/variant'), 'v2');
      t.is((await record(host, id))['status'], 'Upgrading', 'the record is not written while the database refuses');

      await allow();
      const reconciled = await eventually('the reconciled record', 120_000, async () => {
        const current = await record(host, id);
        return current['status'] === 'Upgrading' ? undefined : current;
      });
      t.like(reconciled, { status: 'Running', stackVersion: '2.0.0', previousVersion: '1.0.0' });
      const running = await docker('inspect', '--format', '{{.Id}}', `${stackName}_app`);
      t.deepEqual((reconciled['services'] as Array<Record<string, unknown>>).map((s) => s['containerId']), [running]);
      const history = reconciled['history'] as Array<Record<string, unknown>>;
      t.like(history.find((entry) => entry['operation'] === 'upgrade'), { outcome: 'Failed', message: 'Interrupted: the database refused the record before the upgrade finished.' });
      t.like(history.at(-1), {
        operation: 'recover',
        outcome: 'Succeeded',
        message: 'The database refused the record during the upgrade; every service of version 2.0.0 was found running, so the upgrade is taken as done.',
      });
      t.true(host.host.logs.some((line) => line.includes('could not record how the operation ended')));
      // The refused statement carried the variables; no log line may.
      const leaked = host.host.logs.filter((line) => secretTraces(password).some((trace) => line.includes(trace)));
      t.deepEqual(leaked, []);
    });
  }
}

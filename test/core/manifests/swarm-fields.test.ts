import test, { type ExecutionContext } from 'ava';
import { readSourceManifests, type SourceManifests } from '../../../core/catalog/read-source-manifests.js';
import type { SwarmFields } from '../../../core/manifests/swarm-fields.js';
import { tempSource } from '../../support/temp-source-files.js';

/** Reads a product whose one service `web` has `fields` (YAML lines under the service). */
async function read(t: ExecutionContext, fields: string): Promise<SourceManifests> {
  const indented = fields.replace(/^/gm, '    ');
  const source = await tempSource(t, { 'shop.yaml': `metadata: { name: Shop, productVersion: "1.0.0" }\nservices:\n  web:\n    image: nginx\n${indented}\n` });
  return readSourceManifests('src', source.files);
}

function swarmOf(result: SourceManifests): SwarmFields | undefined {
  return result.products[0]?.stacks[0]?.services[0]?.swarm;
}

const defaults: SwarmFields = {
  replicas: 1,
  placementConstraints: [],
  update: { order: 'stop-first', parallelism: 1, delayMs: 0, failureAction: 'rollback' },
  limits: { nanoCpus: null, memoryBytes: null },
  endpointMode: 'vip',
};

const written: SwarmFields = {
  replicas: 3,
  placementConstraints: ['node.role == worker', 'node.labels.zone != b'],
  update: { order: 'start-first', parallelism: 2, delayMs: 10_000, failureAction: 'pause' },
  limits: { nanoCpus: 500_000_000, memoryBytes: 256 * 1024 * 1024 },
  endpointMode: 'dnsrr',
};

test('a service without Swarm fields gets the defaults', async (t) => {
  const result = await read(t, 'restart: always');
  t.deepEqual(result.warnings, []);
  t.deepEqual(swarmOf(result), defaults);
});

test('the Swarm fields written our way are read', async (t) => {
  const result = await read(
    t,
    [
      'replicas: 3',
      'placement: { constraints: ["node.role == worker", "node.labels.zone != b"] }',
      'update: { order: start-first, parallelism: 2, delay: 10s, failureAction: pause }',
      'resources: { limits: { cpus: "0.5", memory: 256m } }',
      'endpointMode: dnsrr',
    ].join('\n'),
  );
  t.deepEqual(result.warnings, []);
  t.deepEqual(swarmOf(result), written);
});

test("compose's deploy block is read into the same fields; its other keys are warned about", async (t) => {
  const result = await read(
    t,
    [
      'deploy:',
      '  replicas: 3',
      '  placement: { constraints: ["node.role == worker", "node.labels.zone != b"] }',
      '  update_config: { order: start-first, parallelism: 2, delay: 10s, failure_action: pause }',
      '  resources: { limits: { cpus: "0.5", memory: 256M } }',
      '  endpoint_mode: dnsrr',
      '  restart_policy: { condition: on-failure }',
    ].join('\n'),
  );
  t.deepEqual(result.warnings, [{ file: 'shop.yaml', message: 'services.web.deploy.restart_policy: not supported; ignored' }]);
  t.deepEqual(swarmOf(result), written);
});

test('wrong Swarm fields are reported with their paths, and a field given both ways is refused', async (t) => {
  const result = await read(
    t,
    [
      'replicas: -1',
      'update: { order: sideways, delay: soon }',
      'resources: { limits: { cpus: "0", memory: 1k } }',
      'placement: { constraints: ["node.role"] }',
      'endpointMode: mesh',
      'deploy: { replicas: 2 }',
    ].join('\n'),
  );
  t.deepEqual(result.products, []);
  const message = result.warnings.map((w) => w.message).join('\n');
  for (const expected of [
    'services.web.deploy.replicas: give either replicas or deploy.replicas, not both',
    'services.web.replicas: expected a whole number from 0 to 1000, found "-1"',
    'services.web.update.order: expected start-first or stop-first',
    'services.web.update.delay: expected a duration such as 10s or 1m30s',
    'services.web.resources.limits.cpus: expected a number of CPUs above 0, such as 0.5',
    'services.web.resources.limits.memory: expected a memory size of at least 4m, such as 256m or 1.5g',
    'services.web.placement.constraints[0]: expected <attribute> == <value> or <attribute> != <value>',
    'services.web.endpointMode: expected vip or dnsrr',
  ]) {
    t.true(message.includes(expected), `${expected}\nin\n${message}`);
  }
});

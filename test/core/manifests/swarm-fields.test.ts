import test, { type ExecutionContext } from 'ava';
import { readSourceManifests, type SourceManifests } from '../../../core/catalog/read-source-manifests.js';
import { DEFAULT_SWARM_FIELDS, type SwarmFields } from '../../../core/manifests/swarm-fields.js';
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
  t.deepEqual(swarmOf(result), DEFAULT_SWARM_FIELDS);
});

/** The same fields written our way and compose's way (with a key compose has and we do not). */
const spellings: ReadonlyArray<{ readonly style: string; readonly yaml: string; readonly warnings: readonly string[] }> = [
  {
    style: 'our way',
    yaml: `replicas: 3
placement: { constraints: ["node.role == worker", "node.labels.zone != b"] }
update: { order: start-first, parallelism: 2, delay: 10s, failureAction: pause }
resources: { limits: { cpus: "0.5", memory: 256m } }
endpointMode: dnsrr`,
    warnings: [],
  },
  {
    style: "compose's deploy block",
    yaml: `deploy:
  replicas: 3
  placement: { constraints: ["node.role == worker", "node.labels.zone != b"] }
  update_config: { order: start-first, parallelism: 2, delay: 10s, failure_action: pause }
  resources: { limits: { cpus: "0.5", memory: 256M } }
  endpoint_mode: dnsrr
  restart_policy: { condition: on-failure }`,
    warnings: ['services.web.deploy.restart_policy: not supported; ignored'],
  },
];

for (const { style, yaml, warnings } of spellings) {
  test(`the Swarm fields written ${style} are read; other keys are warned about`, async (t) => {
    const result = await read(t, yaml);
    t.deepEqual(result.warnings.map((w) => w.message), warnings);
    t.deepEqual(swarmOf(result), written);
  });
}

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

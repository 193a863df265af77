import test, { type ExecutionContext } from 'ava';
import type { ProductManifest } from '../../../core/manifests/manifest-model.js';
import { readSourceManifests, type SourceManifests } from '../../../core/catalog/read-source-manifests.js';
import { tempSource } from '../../support/temp-source-files.js';

/** Shapes found in catalogs written for ReadyStackGo, which the catalog loads with warnings. */

async function load(t: ExecutionContext, tree: Record<string, string>): Promise<SourceManifests> {
  const source = await tempSource(t, tree);
  return readSourceManifests('src', source.files);
}

function only(result: SourceManifests): ProductManifest {
  const [product] = result.products;
  if (result.products.length !== 1 || product === undefined) {
    throw new Error(`expected one product, got ${result.products.length}: ${JSON.stringify(result.warnings)}`);
  }
  return product;
}

/** A two-stack product whose `orders` stack names services of its `platform` stack in depends_on. */
const tradingDesk = `metadata: { name: Trading Desk, productId: com.example.desk, productVersion: "2.4.0" }
stacks:
  orders:
    metadata: { name: Orders }
    services:
      matcher:
        image: example/matcher:2.4
        depends_on: [quotes, cachedata, eventstore]
      quotes:
        image: example/quotes:2.4
  platform:
    include: platform.yaml
`;

const platformFragment = `metadata: { name: Platform }
services:
  cachedata: { image: example/cache:7 }
  eventstore: { image: example/events:23 }
`;

test('a service with only build: loads without an image, and the warning names file, service and key', async (t) => {
  const result = await load(t, {
    'tools.yaml': `metadata: { name: Tools, productVersion: "1.0.0" }
services:
  runner:
    build: ./runner
  web:
    image: example/web:1
`,
  });
  const [runner, web] = only(result).stacks[0]?.services ?? [];
  t.is(runner?.image, null);
  t.is(web?.image, 'example/web:1');
  t.deepEqual(result.warnings, [
    {
      file: 'tools.yaml',
      message:
        'services.runner.build: not supported: the service has no image, so its stack cannot be deployed until it names one (build it and push it to a registry)',
    },
  ]);
});

test('a service with neither image nor build loads with a warning at its image', async (t) => {
  const result = await load(t, { 'tools.yaml': 'metadata: { name: Tools, productVersion: "1.0.0" }\nservices:\n  runner: { command: run }\n' });
  t.is(only(result).stacks[0]?.services[0]?.image, null);
  t.deepEqual(
    result.warnings.map((warning) => warning.message.split(':')[0]),
    ['services.runner.image'],
  );
});

test("ReadyStackGo's own rsgo.* labels pass through to the service", async (t) => {
  const result = await load(t, {
    'edge.yaml': `metadata: { name: Edge, productVersion: "1.0.0" }
services:
  proxy:
    image: example/proxy:1
    labels: { rsgo.role: maintenance-page, rsgo.redeploy: ignore, rsgo.maintenance: ignore }
`,
  });
  t.deepEqual(result.warnings, []);
  t.deepEqual(only(result).stacks[0]?.services[0]?.labels, { 'rsgo.role': 'maintenance-page', 'rsgo.redeploy': 'ignore', 'rsgo.maintenance': 'ignore' });
});

test('unknown top-level keys of a product, a stack entry and an included stack file become warnings', async (t) => {
  const result = await load(t, {
    'desk.yaml': `metadata: { name: Desk, productVersion: "1.0.0" }
maintenance:
  observer: { type: sqlExtendedProperty, pollInterval: 30s }
edge:
  image: example/edge:1
secrets: {}
x-notes: kept quiet
stacks:
  api:
    healthMonitor: { enabled: true }
    services: { api: { image: example/api:1 } }
  db:
    include: db.yaml
`,
    'db.yaml': 'metadata: { name: DB }\nbackup: nightly\nservices:\n  db: { image: example/db:1 }\n',
  });
  t.deepEqual(
    only(result).stacks.map((stack) => stack.name),
    ['api', 'DB'],
  );
  t.deepEqual(result.warnings, [
    { file: 'desk.yaml', message: "maintenance: ReadyStackGo's maintenance mode (observer, setter) is not supported; ignored" },
    { file: 'desk.yaml', message: "edge: ReadyStackGo's edge maintenance proxy is not supported; ignored" },
    { file: 'desk.yaml', message: 'secrets: not supported; ignored' },
    { file: 'desk.yaml', message: 'stacks.api.healthMonitor: not supported; ignored' },
    { file: 'db.yaml', message: 'backup: not supported; ignored' },
  ]);
});

test('depends_on naming a service of another stack of the product orders the stacks and warns where it is written', async (t) => {
  const result = await load(t, { 'desk.yaml': tradingDesk, 'platform.yaml': platformFragment });
  const [orders, platform] = only(result).stacks;
  t.is(orders?.name, 'Orders');
  t.deepEqual(orders?.dependsOn, ['Platform']);
  t.deepEqual(platform?.dependsOn, []);
  // The service keeps only what it can wait for: services of its own stack.
  t.deepEqual(orders?.services[0]?.dependsOn, ['quotes']);
  const tail = 'that stack is deployed first; this service does not wait for it to be ready';
  t.deepEqual(result.warnings, [
    { file: 'desk.yaml', message: `stacks.orders.services.matcher.depends_on[1]: "cachedata" is a service of stack "Platform": ${tail}` },
    { file: 'desk.yaml', message: `stacks.orders.services.matcher.depends_on[2]: "eventstore" is a service of stack "Platform": ${tail}` },
  ]);
});

test('depends_on naming no service of any stack of the product still refuses it', async (t) => {
  const result = await load(t, { 'desk.yaml': tradingDesk.replace('eventstore]', 'ledger]'), 'platform.yaml': platformFragment });
  t.deepEqual(result.products, []);
  t.is(result.warnings.at(-1)?.message, 'stacks.orders.services.matcher.depends_on[2]: unknown service "ledger"');
});

test('stacks that depend on each other in a cycle load, with a warning that they deploy in the order written', async (t) => {
  const result = await load(t, {
    'loop.yaml': `metadata: { name: Loop, productVersion: "1.0.0" }
stacks:
  a:
    services: { one: { image: x, dependsOn: [two] } }
  b:
    services: { two: { image: x, dependsOn: [one] } }
`,
  });
  t.deepEqual(
    only(result).stacks.map((stack) => [stack.name, stack.dependsOn]),
    [
      ['a', ['b']],
      ['b', ['a']],
    ],
  );
  t.is(result.warnings.at(-1)?.message, 'stacks: stacks depend on each other in a cycle (a -> b -> a); they are deployed in the order written');
});

test('a service name used by two stacks of a product is reported: the product network cannot tell them apart', async (t) => {
  const result = await load(t, {
    'twins.yaml': `metadata: { name: Twins, productVersion: "1.0.0" }
stacks:
  blue:
    services: { db: { image: x }, web: { image: x } }
  green:
    services: { db: { image: x } }
`,
  });
  t.is(only(result).stacks.length, 2);
  t.deepEqual(result.warnings, [
    { file: 'twins.yaml', message: 'stacks: service "db" is in stacks "blue" and "green": on the product network its name reaches either' },
  ]);
});

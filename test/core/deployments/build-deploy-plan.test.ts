import test, { type ExecutionContext } from 'ava';
import type { StackManifest } from '../../../core/manifests/manifest-model.js';
import { readSourceManifests } from '../../../core/catalog/read-source-manifests.js';
import { buildDeployPlan, teardownPlan } from '../../../core/deployments/build-deploy-plan.js';
import { productNetworkName } from '../../../core/deployments/product-network-name.js';
import { productStackName } from '../../../core/deployments/product-stack-name.js';
import type { PlanEnvironment } from '../../../core/plugin-api.js';
import { tempSource } from '../../support/temp-source-files.js';

const environment: PlanEnvironment = { id: 'env-1', name: 'local', type: 'docker', settings: { dockerHost: null, tls: null } };

async function stackOf(t: ExecutionContext, yaml: string, index = 0): Promise<StackManifest> {
  const source = await tempSource(t, { 'product.yaml': yaml });
  const { products, warnings } = await readSourceManifests('stacks', source.files);
  t.deepEqual(warnings, []);
  const stack = products[0]?.stacks[index];
  if (!stack) throw new Error('no stack');
  return stack;
}

const target = { deploymentId: 'dep-1', environment, stackName: 'shop', productId: 'com.example.shop', version: '2.0.0' };
const hostLabels = {
  'rsgo.stack': 'shop',
  'rsgo.deployment': 'dep-1',
  'rsgo.environment': 'env-1',
  'rsgo.product': 'com.example.shop',
  'rsgo.version': '2.0.0',
};

test('a plan substitutes variables and names containers, volumes and the default network after the stack', async (t) => {
  const stack = await stackOf(
    t,
    `metadata: { name: Shop, productVersion: "2.0.0" }
services:
  api:
    image: registry:5000/shop/api:\${TAG}
    command: "serve --port \${PORT}"
    environment: { DSN: "db://\${USER}@db" }
    ports: ["127.0.0.1:\${PORT}:8080"]
    volumes: ["data:/var/lib/api", "./conf:/etc/api:ro", "/srv/logs:/logs"]
    labels: { team: shop }
  db:
    image: postgres
    containerName: shop-database
    lifecycle: init
    healthCheck: { type: none }
volumes:
  data: {}
`,
  );
  const plan = buildDeployPlan({ ...target, operation: 'deploy', stack, variables: { TAG: '7', PORT: '9000', USER: 'app' }, bindRoot: '/var/rsgo/stacks/shop' });

  t.deepEqual(plan.labels, { ...hostLabels, 'rsgo.stack.name': 'Shop' });
  t.deepEqual(plan.networks, [{ name: 'shop_default', external: false, labels: {} }]);
  t.deepEqual(plan.volumes, [{ name: 'shop_data', external: false, labels: {} }]);
  const [api, db] = plan.services;
  t.like(api, {
    name: 'api',
    containerName: 'shop_api',
    image: 'registry:5000/shop/api:7',
    command: ['serve', '--port', '9000'],
    environment: { DSN: 'db://app@db' },
    ports: [{ hostIp: '127.0.0.1', hostPort: 9000, containerPort: 8080, protocol: 'tcp' }],
    networks: ['shop_default'],
    lifecycle: 'service',
    restart: 'unless-stopped',
    healthCheck: null,
  });
  t.deepEqual(api?.mounts, [
    { type: 'volume', source: 'shop_data', target: '/var/lib/api', readOnly: false },
    { type: 'bind', source: '/var/rsgo/stacks/shop/conf', target: '/etc/api', readOnly: true, stackFolder: '/var/rsgo/stacks/shop' },
    { type: 'bind', source: '/srv/logs', target: '/logs', readOnly: false },
  ]);
  t.deepEqual(api?.labels, {
    team: 'shop',
    ...hostLabels,
    'rsgo.stack.name': 'Shop',
    'rsgo.service': 'api',
    'rsgo.context': 'api',
    'rsgo.lifecycle': 'service',
  });
  t.like(db, { containerName: 'shop-database', image: 'postgres:latest', lifecycle: 'init', labels: { 'rsgo.lifecycle': 'init' } });
  t.deepEqual(db?.healthCheck, { type: 'docker', test: ['NONE'], intervalMs: 0, timeoutMs: 0, retries: 0, startPeriodMs: 0 });
});

test('declared, external and undeclared resources get their engine names', async (t) => {
  const stack = await stackOf(
    t,
    `metadata: { name: Shop, productVersion: "2.0.0" }
services:
  api:
    image: api
    networks: [backend, shared]
    volumes: ["cache:/cache", "certs:/certs"]
  cron:
    image: cron
networks:
  backend: {}
  shared: { external: true }
volumes:
  certs: { external: true }
`,
  );
  const plan = buildDeployPlan({ ...target, operation: 'upgrade', stack, variables: {}, bindRoot: '/x' });
  t.is(plan.operation, 'upgrade');
  t.deepEqual(
    plan.networks.map((n) => [n.name, n.external]),
    [
      ['shop_backend', false],
      ['shared', true],
      ['shop_default', false],
    ],
  );
  t.deepEqual(
    plan.volumes.map((v) => [v.name, v.external]),
    [
      ['certs', true],
      ['shop_cache', false],
    ],
  );
  t.deepEqual(plan.services.map((s) => s.networks), [['shop_backend', 'shared'], ['shop_default']]);
});

test('volume names never collide: a stack name with _ gets it doubled, and the former name is kept to find old volumes', async (t) => {
  const manifest = (volume: string) =>
    stackOf(t, `metadata: { name: Shop, productVersion: "2.0.0" }\nservices:\n  db:\n    image: db\n    volumes: ["${volume}:/data"]\n`);
  const shop = buildDeployPlan({ ...target, stackName: 'shop', operation: 'deploy', stack: await manifest('db_data'), variables: {}, bindRoot: '/x' });
  const shopDb = buildDeployPlan({ ...target, stackName: 'shop_db', operation: 'deploy', stack: await manifest('data'), variables: {}, bindRoot: '/x' });
  t.deepEqual(shop.volumes, [{ name: 'shop_db_data', external: false, labels: {} }]);
  t.deepEqual(shopDb.volumes, [{ name: 'shop__db_data', external: false, labels: {}, formerName: 'shop_db_data' }]);
  t.deepEqual(shopDb.services[0]?.mounts, [{ type: 'volume', source: 'shop__db_data', target: '/data', readOnly: false }]);
});

test("a relative bind source that leaves the stack's folder after substitution is refused", async (t) => {
  const stack = await stackOf(t, `metadata: { name: Shop, productVersion: "2.0.0" }\nservices:\n  api:\n    image: api\n    volumes: ["\${DIR:-./data}:/data"]\n`);
  const plan = (DIR: string) => buildDeployPlan({ ...target, operation: 'deploy', stack, variables: { DIR }, bindRoot: '/var/rsgo/stacks/shop' });
  t.like(plan('./a/../b').services[0]?.mounts[0], { source: '/var/rsgo/stacks/shop/b', stackFolder: '/var/rsgo/stacks/shop' });
  t.like(plan('.').services[0]?.mounts[0], { source: '/var/rsgo/stacks/shop' });
  for (const DIR of ['..', '../shop-other', './a/../../..']) {
    t.throws(() => plan(DIR), {
      name: 'InputError',
      message: `Bind mount not allowed: '${DIR}' leaves the stack's folder /var/rsgo/stacks/shop. Nothing was changed.`,
    });
  }
});

test('a malformed port after substitution is a 400 naming the binding', async (t) => {
  const stack = await stackOf(t, `metadata: { name: Shop, productVersion: "2.0.0" }\nservices:\n  api:\n    image: api\n    ports: ["\${PORT}:80"]\n`);
  const error = t.throws(() => buildDeployPlan({ ...target, operation: 'deploy', stack, variables: { PORT: 'http' }, bindRoot: '/x' }));
  t.is(error?.name, 'InputError');
  t.regex(error?.message ?? '', /^Invalid port binding "http:80"/);
});

test('remove plans carry the host labels and no services', (t) => {
  t.like(teardownPlan('remove', target, true), { operation: 'remove', labels: hostLabels, services: [], removeVolumes: true, productNetwork: null });
  t.like(teardownPlan('remove', target), { operation: 'remove', services: [], removeVolumes: false });
  t.is(teardownPlan('remove', { ...target, productNetwork: 'acme_product' }).productNetwork, 'acme_product');
});

test("a stack of a product deployment names the product's network; a stack on its own names none", async (t) => {
  const stack = await stackOf(t, `metadata: { name: Shop, productVersion: "2.0.0" }\nservices:\n  api: { image: api }\n`);
  const input = { ...target, operation: 'deploy' as const, stack, variables: {}, bindRoot: '/x' };
  const plan = buildDeployPlan({ ...input, productNetwork: productNetworkName('Acme Platform') });
  t.is(plan.productNetwork, 'acme-platform_product');
  // The stack's own networks are unchanged: the runtime adds the product's network.
  t.deepEqual(plan.services[0]?.networks, ['shop_default']);
  t.is(buildDeployPlan(input).productNetwork, null);
});

test("ReadyStackGo's labels are set on every service; other rsgo.* labels of the manifest pass through", async (t) => {
  const stack = await stackOf(
    t,
    `metadata: { name: Shop, productVersion: "2.0.0" }\nservices:\n  api:\n    image: api\n    labels: { rsgo.role: maintenance-page, rsgo.redeploy: ignore }\n`,
  );
  const plan = buildDeployPlan({ ...target, operation: 'deploy', stack, variables: {}, bindRoot: '/x' });
  t.like(plan.services[0]?.labels, {
    'rsgo.role': 'maintenance-page',
    'rsgo.redeploy': 'ignore',
    'rsgo.stack.name': 'Shop',
    'rsgo.context': 'api',
    'rsgo.stack': 'shop',
  });
});

test('a stack with a service without an image cannot be planned: 400 naming the service', async (t) => {
  const source = await tempSource(t, {
    'product.yaml': `metadata: { name: Shop, productVersion: "2.0.0" }\nservices:\n  api: { image: api }\n  worker: { build: ./worker }\n`,
  });
  const stack = (await readSourceManifests('stacks', source.files)).products[0]?.stacks[0];
  if (!stack) throw new Error('no stack');
  const error = t.throws(() => buildDeployPlan({ ...target, operation: 'deploy', stack, variables: {}, bindRoot: '/x' }));
  t.is(error?.name, 'InputError');
  t.is(error?.message, "Service 'worker' has no image.");
});

test('product stack deployments are named <deploymentName>-<stack> in lower case', (t) => {
  t.is(productStackName('acme', 'API'), 'acme-api');
  t.is(productStackName('acme', 'Worker'), 'acme-worker');
  t.is(productStackName('My Shop', 'Back End (v2)'), 'my-shop-back-end-v2');
  t.is(productStackName('--x--', '__y__'), 'x-y');
});

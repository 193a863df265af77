import test from 'ava';
import { mergeVariableDefinitions } from '../../../core/manifests/validate-variables.js';
import { readSourceManifests } from '../../../core/catalog/read-source-manifests.js';
import { tempSource } from '../../support/temp-source-files.js';

const platform = `metadata:
  name: Acme Platform
  productId: com.acme.platform
  productVersion: "2.0.0"
sharedVariables:
  LOG_LEVEL:
    type: Select
    default: info
    options: [{ value: info }, { value: debug }]
networks:
  acme-shared: {}
stacks:
  api:
    include: api/api.yaml
  worker:
    metadata: { name: Worker }
    variables:
      QUEUE: { default: jobs }
    services:
      worker:
        image: example/worker:2.0.0
        networks: [acme-shared]
        environment: { LOG_LEVEL: "\${LOG_LEVEL}", QUEUE: "\${QUEUE}" }
`;

const apiFragment = `metadata: { name: API }
variables:
  API_PORT: { type: Port, default: "8080" }
  LOG_LEVEL: { type: Select, options: [{ value: info }, { value: debug }, { value: trace }] }
services:
  api:
    image: example/api:2.0.0
    ports: ["\${API_PORT}:80"]
    networks: [acme-shared, internal]
    environment: { LOG_LEVEL: "\${LOG_LEVEL}" }
`;

const single = (name: string, version: string, extra = ''): string =>
  `metadata:\n  name: ${name}\n  productVersion: "${version}"\n${extra}services:\n  web:\n    image: nginx\n`;

test('A single-stack product has one stack named after the product', async (t) => {
  const source = await tempSource(t, { 'demo.yaml': single('Demo Echo', '1.0.0') });
  const { products, warnings } = await readSourceManifests('stacks', source.files);
  t.deepEqual(warnings, []);
  t.is(products.length, 1);
  t.like(products[0], { file: 'demo.yaml', name: 'Demo Echo', version: '1.0.0', groupId: 'stacks:Demo Echo' });
  t.deepEqual(
    products[0]?.stacks.map((stack) => stack.name),
    ['Demo Echo'],
  );
});

test('A product without metadata.name is named after its file', async (t) => {
  const source = await tempSource(t, { 'whoami.yml': 'metadata:\n  productVersion: "1.0.0"\nservices:\n  web: { image: traefik/whoami }\n' });
  const { products } = await readSourceManifests('stacks', source.files);
  t.like(products[0], { name: 'whoami', groupId: 'stacks:whoami' });
});

test('A multi-stack product keeps inline and included stacks in declaration order', async (t) => {
  const source = await tempSource(t, { 'platform/platform.yaml': platform, 'platform/api/api.yaml': apiFragment });
  const { products, warnings } = await readSourceManifests('stacks', source.files);
  t.deepEqual(warnings, []);
  t.is(products.length, 1);
  t.is(products[0]?.groupId, 'com.acme.platform');
  t.deepEqual(
    products[0]?.stacks.map((stack) => [stack.name, stack.services.map((service) => service.name)]),
    [
      ['API', ['api']],
      ['Worker', ['worker']],
    ],
  );
});

test('Shared variables belong to the product and stack variables to their stack', async (t) => {
  const source = await tempSource(t, { 'platform/platform.yaml': platform, 'platform/api/api.yaml': apiFragment });
  const [product] = (await readSourceManifests('stacks', source.files)).products;
  t.deepEqual(
    product?.sharedVariables.map((def) => def.name),
    ['LOG_LEVEL'],
  );
  t.deepEqual(
    product?.stacks.map((stack) => stack.variables.map((def) => def.name)),
    [['API_PORT', 'LOG_LEVEL'], ['QUEUE']],
  );
});

test('A stack variable replaces the shared one but keeps the shared default when it has none', async (t) => {
  const source = await tempSource(t, { 'platform/platform.yaml': platform, 'platform/api/api.yaml': apiFragment });
  const [product] = (await readSourceManifests('stacks', source.files)).products;
  const api = product?.stacks[0];
  if (product === undefined || api === undefined) return t.fail('product missing');
  const logLevel = mergeVariableDefinitions(product.sharedVariables, api.variables).find((def) => def.name === 'LOG_LEVEL');
  t.like(logLevel, { default: 'info', required: false });
  t.deepEqual(
    logLevel?.options.map((option) => option.value),
    ['info', 'debug', 'trace'],
  );
});

test('Variables on an include entry override the fragment variables of the same name', async (t) => {
  const manifest = platform.replace('    include: api/api.yaml\n', '    include: api/api.yaml\n    variables:\n      API_PORT: { type: Port, default: "9090" }\n');
  const source = await tempSource(t, { 'platform/platform.yaml': manifest, 'platform/api/api.yaml': apiFragment });
  const [product] = (await readSourceManifests('stacks', source.files)).products;
  t.is(product?.stacks[0]?.variables.find((def) => def.name === 'API_PORT')?.default, '9090');
});

test('A product-level network used by a stack is external there, other networks stay the stack own', async (t) => {
  const source = await tempSource(t, { 'platform/platform.yaml': platform, 'platform/api/api.yaml': apiFragment });
  const [product] = (await readSourceManifests('stacks', source.files)).products;
  t.deepEqual(
    product?.stacks[0]?.networks.map((network) => [network.name, network.external]),
    [
      ['acme-shared', true],
      ['internal', false],
    ],
  );
});

test('A product-level volume a stack names is external there', async (t) => {
  const manifest =
    'metadata: { name: P, productVersion: "1.0.0" }\nvolumes:\n  shared-data: { driver: local }\nstacks:\n  a:\n    volumes: { own: {} }\n    services:\n      web: { image: x, volumes: ["shared-data:/shared", "own:/own", "./conf:/conf"] }\n';
  const source = await tempSource(t, { 'p.yaml': manifest });
  const [product] = (await readSourceManifests('src', source.files)).products;
  t.deepEqual(product?.stacks[0]?.volumes, [
    { name: 'own', external: false, driver: null, driverOpts: {} },
    { name: 'shared-data', external: true, driver: 'local', driverOpts: {} },
  ]);
});

test('Fragments without productVersion are not listed and cause no warning', async (t) => {
  const source = await tempSource(t, {
    'platform/platform.yaml': platform,
    'platform/api/api.yaml': apiFragment,
    'shared/other.yaml': 'services:\n  x: { image: y }\n',
    '.github/workflows/ci.yml': 'on: push\njobs: {}\n',
  });
  const { products, warnings } = await readSourceManifests('stacks', source.files);
  t.deepEqual(
    products.map((product) => product.file),
    ['platform/platform.yaml'],
  );
  t.deepEqual(warnings, []);
});

test('An include may climb to a sibling folder inside the source', async (t) => {
  const manifest = platform.replace('include: api/api.yaml', 'include: ../shared/api.yaml');
  const source = await tempSource(t, { 'platform/platform.yaml': manifest, 'shared/api.yaml': apiFragment });
  const { products, warnings } = await readSourceManifests('stacks', source.files);
  t.deepEqual(warnings, []);
  t.is(products[0]?.stacks[0]?.name, 'API');
});

test('An include that climbs out of the source root is rejected and never read', async (t) => {
  const manifest = platform.replace('include: api/api.yaml', 'include: ../../etc/passwd');
  const source = await tempSource(t, { 'platform/platform.yaml': manifest }, { outside: { 'etc/passwd': 'services: {}' } });
  const { products, warnings } = await readSourceManifests('stacks', source.files);
  t.deepEqual(products, []);
  t.deepEqual(warnings, [{ file: 'platform/platform.yaml', message: 'stacks.api.include: include path "../../etc/passwd" leaves the source root' }]);
  t.deepEqual(source.reads, ['platform/platform.yaml']);
});

test('An absolute include path is rejected', async (t) => {
  const manifest = platform.replace('include: api/api.yaml', 'include: /etc/passwd');
  const source = await tempSource(t, { 'platform/platform.yaml': manifest });
  const { warnings } = await readSourceManifests('stacks', source.files);
  t.deepEqual(warnings, [
    { file: 'platform/platform.yaml', message: 'stacks.api.include: include path "/etc/passwd" must be relative to the including file' },
  ]);
});

test('An include cycle is rejected and the cycle is named', async (t) => {
  const source = await tempSource(t, {
    'p.yaml': 'metadata: { name: P, productVersion: "1.0.0" }\nstacks:\n  a: { include: a.yaml }\n',
    'a.yaml': 'services:\n  include: [b.yaml]\n',
    'b.yaml': 'services:\n  include: [a.yaml]\n  web: { image: x }\n',
  });
  const { products, warnings } = await readSourceManifests('src', source.files);
  t.deepEqual(products, []);
  t.deepEqual(warnings, [{ file: 'p.yaml', message: 'b.yaml: services.include[0]: include cycle: a.yaml -> b.yaml -> a.yaml' }]);
});

test('A product that includes itself is an include cycle', async (t) => {
  const source = await tempSource(t, { 'p.yaml': 'metadata: { name: P, productVersion: "1.0.0" }\nstacks:\n  a: { include: p.yaml }\n' });
  const { warnings } = await readSourceManifests('src', source.files);
  t.deepEqual(warnings, [{ file: 'p.yaml', message: 'stacks.a.include: include cycle: p.yaml -> p.yaml' }]);
});

test('Includes nested deeper than the limit are rejected', async (t) => {
  const source = await tempSource(t, {
    'p.yaml': 'metadata: { name: P, productVersion: "1.0.0" }\nstacks:\n  a: { include: a.yaml }\n',
    'a.yaml': 'services:\n  include: [b.yaml]\n',
    'b.yaml': 'services:\n  include: [c.yaml]\n',
    'c.yaml': 'services:\n  web: { image: x }\n',
  });
  const { warnings } = await readSourceManifests('src', source.files, { maxIncludeDepth: 2 });
  t.deepEqual(warnings, [{ file: 'p.yaml', message: 'b.yaml: services.include[0]: includes are nested more than 2 deep' }]);
});

test('A product following more includes than the budget allows is rejected', async (t) => {
  const source = await tempSource(t, {
    'p.yaml': 'metadata: { name: P, productVersion: "1.0.0" }\nservices:\n  include: [a.yaml, b.yaml, c.yaml]\n',
    'a.yaml': 'a: { image: x }\n',
    'b.yaml': 'b: { image: x }\n',
    'c.yaml': 'c: { image: x }\n',
  });
  const { warnings } = await readSourceManifests('src', source.files, { maxIncludes: 2 });
  t.deepEqual(warnings, [{ file: 'p.yaml', message: 'services.include[2]: a product may follow at most 2 includes' }]);
});

test('A missing include names the include and the reason without a host path', async (t) => {
  const manifest = platform.replace('include: api/api.yaml', 'include: api/missing.yaml');
  const source = await tempSource(t, { 'platform/platform.yaml': manifest });
  const { warnings } = await readSourceManifests('stacks', source.files);
  t.deepEqual(warnings, [{ file: 'platform/platform.yaml', message: 'stacks.api.include: "api/missing.yaml" cannot be read (ENOENT)' }]);
});

test('A problem inside an included fragment names the fragment file and the path in it', async (t) => {
  const source = await tempSource(t, {
    'platform/platform.yaml': platform,
    'platform/api/api.yaml': apiFragment.replace('"${API_PORT}:80"', '"80"'),
  });
  const { warnings } = await readSourceManifests('stacks', source.files);
  t.deepEqual(warnings, [
    {
      file: 'platform/platform.yaml',
      message: 'platform/api/api.yaml: services.api.ports[0]: expected "host:container[/proto]" or "ip:host:container[/proto]"',
    },
  ]);
});

test('Including a multi-stack file as a stack is rejected', async (t) => {
  const source = await tempSource(t, {
    'p.yaml': 'metadata: { name: P, productVersion: "1.0.0" }\nstacks:\n  a: { include: q.yaml }\n',
    'q.yaml': 'stacks:\n  b: { services: { web: { image: x } } }\n',
  });
  const { warnings } = await readSourceManifests('src', source.files);
  t.deepEqual(warnings, [{ file: 'p.yaml', message: 'q.yaml: stacks: an included stack file defines services, not stacks' }]);
});

test('A services include merges service maps from other files', async (t) => {
  const source = await tempSource(t, {
    'p.yaml': 'metadata: { name: P, productVersion: "1.0.0" }\nservices:\n  include: [svc/db.yaml, svc/cache.yaml]\n  web: { image: nginx, dependsOn: [db, cache] }\n',
    'svc/db.yaml': 'services:\n  db: { image: postgres:16 }\n',
    'svc/cache.yaml': 'cache: { image: redis:7 }\n',
  });
  const { products, warnings } = await readSourceManifests('src', source.files);
  t.deepEqual(warnings, []);
  t.deepEqual(
    products[0]?.stacks[0]?.services.map((service) => service.name),
    ['db', 'cache', 'web'],
  );
});

test('One invalid product becomes a warning while the others still load', async (t) => {
  const source = await tempSource(t, {
    'a.yaml': single('A', '1.0.0'),
    'b.yaml': 'metadata: { name: B, productVersion: "1.0.0" }\nservices:\n  web: { image: x, ports: ["80"] }\n',
    'c.yaml': single('C', '1.0.0'),
  });
  const { products, warnings } = await readSourceManifests('src', source.files);
  t.deepEqual(
    products.map((product) => product.name),
    ['A', 'C'],
  );
  t.deepEqual(warnings, [{ file: 'b.yaml', message: 'services.web.ports[0]: expected "host:container[/proto]" or "ip:host:container[/proto]"' }]);
});

test('A loose file that is not valid YAML is reported', async (t) => {
  const source = await tempSource(t, { 'a.yaml': single('A', '1.0.0'), 'broken.yaml': 'metadata: [\n' });
  const { products, warnings } = await readSourceManifests('src', source.files);
  t.is(products.length, 1);
  t.is(warnings.length, 1);
  t.is(warnings[0]?.file, 'broken.yaml');
  t.regex(warnings[0]?.message ?? '', /^invalid YAML at line \d+, column \d+: /);
});

test('The same groupId and version twice in one source keeps the first file', async (t) => {
  const source = await tempSource(t, { 'a.yaml': single('Shop', '1.0.0'), 'b.yaml': single('Shop', 'v1.0.0') });
  const { products, warnings } = await readSourceManifests('src', source.files);
  t.deepEqual(
    products.map((product) => product.file),
    ['a.yaml'],
  );
  t.deepEqual(warnings, [{ file: 'b.yaml', message: 'src:Shop 1.0.0 is already defined by a.yaml; ignored' }]);
});

test('A folder with stack.yaml is one product named after the folder, owning its other files', async (t) => {
  const source = await tempSource(t, {
    'wiki/stack.yaml': 'metadata:\n  productVersion: "1.2.0"\nservices:\n  include: [parts/app.yaml]\n',
    'wiki/parts/app.yaml': 'metadata: { productVersion: "9.9.9" }\nservices:\n  app: { image: wiki:1 }\n',
  });
  const { products, warnings } = await readSourceManifests('src', source.files);
  t.deepEqual(warnings, []);
  t.is(products.length, 1);
  t.like(products[0], { file: 'wiki/stack.yaml', name: 'wiki', version: '1.2.0', groupId: 'src:wiki' });
});

test('A stack.yaml without productVersion is version 0.0.0', async (t) => {
  const source = await tempSource(t, { 'wiki/stack.yml': 'services:\n  app: { image: wiki:1 }\n' });
  const { products } = await readSourceManifests('src', source.files);
  t.like(products[0], { name: 'wiki', version: '0.0.0' });
});

test('A plain compose file is a single-stack product named after its folder at version 0.0.0', async (t) => {
  const source = await tempSource(t, {
    'blog/docker-compose.yml': 'services:\n  ghost:\n    image: ghost:5\n    ports: ["2368:2368"]\n    depends_on: [db]\n  db:\n    image: mysql:8\n',
  });
  const { products, warnings } = await readSourceManifests('src', source.files);
  t.deepEqual(warnings, []);
  t.like(products[0], { file: 'blog/docker-compose.yml', name: 'blog', version: '0.0.0', groupId: 'src:blog' });
  t.deepEqual(
    products[0]?.stacks.map((stack) => [stack.name, stack.services.map((service) => service.name)]),
    [['blog', ['ghost', 'db']]],
  );
});

test('An x-rsgo block gives a compose file its version, id and variables', async (t) => {
  const source = await tempSource(t, {
    'blog/compose.yaml':
      'x-rsgo:\n  name: Blog\n  productId: org.example.blog\n  productVersion: v5.1.0\n  variables:\n    PORT: { type: Port, default: "2368" }\nservices:\n  ghost:\n    image: ghost:5\n    ports: ["${PORT}:2368"]\n',
  });
  const { products } = await readSourceManifests('src', source.files);
  t.like(products[0], { name: 'Blog', groupId: 'org.example.blog', version: '5.1.0' });
  t.deepEqual(
    products[0]?.stacks[0]?.variables.map((def) => [def.name, def.type, def.default]),
    [['PORT', 'Port', '2368']],
  );
});

test('compose.yaml wins over docker-compose.yml in the same folder', async (t) => {
  const source = await tempSource(t, {
    'blog/compose.yaml': 'services:\n  a: { image: a }\n',
    'blog/docker-compose.yml': 'services:\n  b: { image: b }\n',
  });
  const { products, warnings } = await readSourceManifests('src', source.files);
  t.deepEqual(
    products.map((product) => product.file),
    ['blog/compose.yaml'],
  );
  t.deepEqual(warnings, [{ file: 'blog/docker-compose.yml', message: 'ignored: blog/compose.yaml is this folder\'s manifest' }]);
});

test('Listed paths outside the source root are ignored with a warning', async (t) => {
  const source = await tempSource(t, { 'a.yaml': single('A', '1.0.0') });
  const files = { ...source.files, files: [...source.files.files, '../escape.yaml'], read: source.files.read };
  const { products, warnings } = await readSourceManifests('src', files);
  t.is(products.length, 1);
  t.deepEqual(warnings, [{ file: '../escape.yaml', message: 'outside the source root; ignored' }]);
});

test('Products are returned in file path order', async (t) => {
  const source = await tempSource(t, { 'b.yaml': single('B', '1.0.0'), 'a/z.yaml': single('Z', '1.0.0'), 'a.yaml': single('A', '1.0.0') });
  const { products } = await readSourceManifests('src', source.files);
  t.deepEqual(
    products.map((product) => product.file),
    ['a.yaml', 'a/z.yaml', 'b.yaml'],
  );
});

import test, { type ExecutionContext } from 'ava';
import type { ProductManifest, ServiceManifest } from '../../../core/manifests/manifest-model.js';
import { DEFAULT_SWARM_FIELDS } from '../../../core/manifests/swarm-fields.js';
import { readSourceManifests, type SourceManifests } from '../../../core/catalog/read-source-manifests.js';
import { tempSource } from '../../support/temp-source-files.js';

const PORT_SYNTAX = 'expected "host:container[/proto]" or "ip:host:container[/proto]"';

/** A single-stack product around `services` (YAML text indented under `services:`). */
function product(body: string, head = ''): string {
  return `metadata:\n  name: Shop\n  productVersion: "1.0.0"\n${head}${body}`;
}

function services(yaml: string): string {
  return product(`services:\n${yaml.replace(/^/gm, '  ')}\n`);
}

async function load(t: ExecutionContext, text: string): Promise<SourceManifests> {
  const source = await tempSource(t, { 'shop.yaml': text });
  return readSourceManifests('src', source.files);
}

function only(result: SourceManifests): ProductManifest {
  if (result.products.length !== 1 || result.products[0] === undefined) {
    throw new Error(`expected one product, got ${result.products.length}: ${JSON.stringify(result.warnings)}`);
  }
  return result.products[0];
}

function firstService(result: SourceManifests): ServiceManifest {
  const service = only(result).stacks[0]?.services[0];
  if (service === undefined) throw new Error('no service');
  return service;
}

interface InvalidCase {
  readonly title: string;
  readonly manifest: string;
  /** The exact warning message: every problem, with its path. */
  readonly message: string;
}

const invalid: InvalidCase[] = [
  {
    title: 'A port without a host part is rejected with the expected syntax',
    manifest: services('web:\n  image: nginx\n  ports: ["80"]'),
    message: `services.web.ports[0]: ${PORT_SYNTAX}`,
  },
  {
    title: 'A port outside 1-65535 is rejected',
    manifest: services('web:\n  image: nginx\n  ports: ["70000:80"]'),
    message: 'services.web.ports[0]: host port 70000 is outside 1-65535',
  },
  {
    title: 'A port protocol other than tcp or udp is rejected',
    manifest: services('web:\n  image: nginx\n  ports: ["80:80/sctp"]'),
    message: 'services.web.ports[0]: protocol "sctp" is not tcp or udp',
  },
  {
    title: 'A port host IP that is not an address is rejected',
    manifest: services('web:\n  image: nginx\n  ports: ["1.2.3:80:80"]'),
    message: 'services.web.ports[0]: "1.2.3" is not an IP address',
  },
  {
    title: 'A volume mode other than ro or rw is rejected',
    manifest: services('web:\n  image: nginx\n  volumes: ["data:/data:rx"]'),
    message: 'services.web.volumes[0]: mode "rx" is not ro or rw',
  },
  {
    title: 'A volume with a relative target is rejected',
    manifest: services('web:\n  image: nginx\n  volumes: ["data:data"]'),
    message: 'services.web.volumes[0]: mount target "data" is not an absolute path',
  },
  {
    title: 'A volume with only a target is rejected with the expected syntax',
    manifest: services('web:\n  image: nginx\n  volumes: ["/data"]'),
    message: 'services.web.volumes[0]: expected "name:/path[:ro]", "/host/path:/path[:ro]" or "./relative:/path[:ro]"',
  },
  {
    title: 'A dependsOn naming no service of the stack is rejected',
    manifest: services('web:\n  image: nginx\n  dependsOn: [db]'),
    message: 'services.web.dependsOn[0]: unknown service "db"',
  },
  {
    title: 'A compose depends_on naming no service is reported under its own spelling',
    manifest: services('web:\n  image: nginx\n  depends_on: [db]'),
    message: 'services.web.depends_on[0]: unknown service "db"',
  },
  {
    title: 'A dependsOn cycle is rejected and the cycle is named',
    manifest: services('a:\n  image: x\n  dependsOn: [b]\nb:\n  image: x\n  dependsOn: [c]\nc:\n  image: x\n  dependsOn: [a]'),
    message: 'services.a.dependsOn: dependency cycle: a -> b -> c -> a',
  },
  {
    title: 'A dependency on a service that failed to parse is not also reported as unknown',
    manifest: services('web:\n  image: x\n  dependsOn: [db]\ndb:\n  image: x\n  ports: ["5432"]'),
    message: `services.db.ports[0]: ${PORT_SYNTAX}`,
  },
  {
    title: 'A service depending on itself is a cycle',
    manifest: services('a:\n  image: x\n  depends_on: [a]'),
    message: 'services.a.depends_on: dependency cycle: a -> a',
  },
  {
    title: 'An unknown restart policy is rejected with the allowed values',
    manifest: services('web:\n  image: nginx\n  restart: sometimes'),
    message: 'services.web.restart: expected no, always, unless-stopped, on-failure',
  },
  {
    title: 'An init container that always restarts is rejected',
    manifest: services('migrate:\n  image: x\n  lifecycle: init\n  restart: always'),
    message: 'services.migrate.restart: init containers run once; use no or on-failure',
  },
  {
    title: 'An unknown lifecycle is rejected',
    manifest: services('web:\n  image: x\n  lifecycle: daemon'),
    message: 'services.web.lifecycle: expected service or init',
  },
  {
    title: 'An initTimeoutSeconds of zero is rejected',
    manifest: services('web:\n  image: x\n  lifecycle: init\n  initTimeoutSeconds: 0'),
    message: 'services.web.initTimeoutSeconds: expected a whole number from 1 to 86400, found "0"',
  },
  {
    title: 'An unknown health check type is rejected',
    manifest: services('web:\n  image: x\n  healthCheck: { type: grpc }'),
    message: 'services.web.healthCheck.type: expected docker, http, tcp or none',
  },
  {
    title: 'A health check interval that is not a duration is rejected',
    manifest: services('web:\n  image: x\n  healthcheck: { test: "true", interval: soon }'),
    message: 'services.web.healthcheck.interval: expected a duration such as "10s", "1m30s", "500ms" or a number of seconds, found "soon"',
  },
  {
    title: 'An http health check without a port is rejected',
    manifest: services('web:\n  image: x\n  healthCheck: { type: http, path: /health }'),
    message: 'services.web.healthCheck.port: required for http health checks',
  },
  {
    title: 'A docker health check test list must start with CMD, CMD-SHELL or NONE',
    manifest: services('web:\n  image: x\n  healthCheck: { test: [curl, localhost] }'),
    message: 'services.web.healthCheck.test[0]: expected "CMD", "CMD-SHELL" or "NONE"',
  },
  {
    title: 'Giving containerName and container_name at once is rejected',
    manifest: services('web:\n  image: x\n  containerName: a\n  container_name: b'),
    message: 'services.web.container_name: give either containerName or container_name, not both',
  },
  {
    title: 'A command with an unclosed quote is rejected',
    manifest: services('web:\n  image: x\n  command: echo "hi'),
    message: 'services.web.command: Unclosed " in command "echo \\"hi"',
  },
  {
    title: 'An environment list naming a variable twice is rejected',
    manifest: services('web:\n  image: x\n  environment: ["A=1", "A=2"]'),
    message: 'services.web.environment[1]: A is given twice',
  },
  {
    title: 'An image reference with spaces is rejected',
    manifest: services('web:\n  image: "nginx latest"'),
    message: 'services.web.image: "nginx latest" is not an image reference',
  },
  {
    title: 'A product version that is not SemVer is rejected',
    manifest: 'metadata:\n  name: Shop\n  productVersion: 1.0\nservices:\n  web:\n    image: x\n',
    message: 'metadata.productVersion: "1.0" is not a SemVer version',
  },
  {
    title: 'A product with both services and stacks is rejected',
    manifest: product('services:\n  web: { image: x }\nstacks:\n  a: { services: { web: { image: x } } }\n'),
    message: 'give either services (one stack) or stacks (several), not both',
  },
  {
    title: 'A product with neither services nor stacks is rejected',
    manifest: product(''),
    message: 'expected services (one stack) or stacks (several)',
  },
  {
    title: 'A multi-stack product with an empty stacks section is rejected',
    manifest: product('stacks: {}\n'),
    message: 'stacks: a product needs at least one stack',
  },
  {
    title: 'A port error inside a stack names the full path through stacks',
    manifest: product('stacks:\n  api:\n    services:\n      web:\n        image: x\n        ports: ["eighty:80"]\n'),
    message: 'stacks.api.services.web.ports[0]: host port "eighty" is not a number',
  },
  {
    title: 'Two stacks with the same name are rejected',
    manifest: product(
      'stacks:\n  a:\n    metadata: { name: Web }\n    services: { web: { image: x } }\n  b:\n    metadata: { name: Web }\n    services: { api: { image: x } }\n',
    ),
    message: 'stacks.b: stack name "Web" is also used by stacks.a',
  },
  {
    title: 'A Select variable without options is rejected',
    manifest: product('services: { web: { image: x } }\n', 'variables:\n  LEVEL: { type: Select }\n'),
    message: 'variables.LEVEL.options: a Select variable needs options',
  },
  {
    title: 'A variable pattern that is not a regular expression is rejected',
    manifest: product('services: { web: { image: x } }\n', 'variables:\n  NAME: { pattern: "[a-" }\n'),
    message: 'variables.NAME.pattern: invalid regular expression: Invalid regular expression: /[a-/: Unterminated character class',
  },
  {
    title: 'A variable default that fails its own type is rejected',
    manifest: product('services: { web: { image: x } }\n', 'variables:\n  PORT: { type: Port, default: "http" }\n'),
    message: 'variables.PORT.default: PORT must be a port number from 1 to 65535',
  },
  {
    title: 'A variable with min above max is rejected',
    manifest: product('services: { web: { image: x } }\n', 'variables:\n  N: { type: Number, min: 5, max: 1 }\n'),
    message: 'variables.N.min: min 5 is greater than max 1',
  },
  {
    title: 'A variable name that cannot be a placeholder is rejected',
    manifest: product('services: { web: { image: x } }\n', 'variables:\n  my-var: { default: x }\n'),
    message: 'variables.my-var: variable names are letters, digits and _, not starting with a digit',
  },
  {
    title: 'A manifest label the host sets is rejected',
    manifest: services('web:\n  image: x\n  labels: { rsgo.stack: other }'),
    message: 'services.web.labels["rsgo.stack"]: reserved: the host sets this label',
  },
  {
    title: "ReadyStackGo's labels that the host now sets are reserved too",
    manifest: services('web:\n  image: x\n  labels: { rsgo.context: other, rsgo.stack.name: other }'),
    message: 'services.web.labels["rsgo.context"]: reserved: the host sets this label; services.web.labels["rsgo.stack.name"]: reserved: the host sets this label',
  },
  {
    title: 'Every problem of a product is reported at once',
    manifest: services('web:\n  image: "not an image"\n  ports: ["80"]\n  restart: never'),
    message: `services.web.image: "not an image" is not an image reference; services.web.restart: expected no, always, unless-stopped, on-failure; services.web.ports[0]: ${PORT_SYNTAX}`,
  },
];

for (const row of invalid) {
  test(row.title, async (t) => {
    const result = await load(t, row.manifest);
    t.deepEqual(result.products, []);
    t.deepEqual(result.warnings, [{ file: 'shop.yaml', message: row.message }]);
  });
}

test('A minimal single-stack product loads with the documented defaults', async (t) => {
  const service = firstService(await load(t, services('echo:\n  image: hashicorp/http-echo')));
  t.deepEqual(service, {
    name: 'echo',
    image: 'hashicorp/http-echo',
    containerName: null,
    ports: [],
    environment: {},
    volumes: [],
    networks: [],
    dependsOn: [],
    command: null,
    entrypoint: null,
    workingDir: null,
    user: null,
    restart: 'unless-stopped',
    labels: {},
    healthCheck: null,
    lifecycle: 'service',
    initTimeoutSeconds: 1800,
    swarm: DEFAULT_SWARM_FIELDS,
  });
});

test('Compose spellings map to the same fields as camelCase ones', async (t) => {
  const service = firstService(
    await load(
      t,
      services(
        [
          'web:',
          '  image: nginx:1.27',
          '  container_name: shop-web',
          '  working_dir: /srv',
          '  depends_on: { db: { condition: service_healthy } }',
          '  environment: ["MODE=prod", "EMPTY"]',
          '  labels: ["team=shop"]',
          '  command: ["nginx", "-g", "daemon off;"]',
          "  entrypoint: /docker-entrypoint.sh --verbose 'two words'",
          '  user: 1000',
          '  networks: { front: {} }',
          'db:',
          '  image: postgres:16',
        ].join('\n'),
      ),
    ),
  );
  t.like(service, {
    containerName: 'shop-web',
    workingDir: '/srv',
    dependsOn: ['db'],
    environment: { MODE: 'prod', EMPTY: '' },
    labels: { team: 'shop' },
    command: ['nginx', '-g', 'daemon off;'],
    entrypoint: "/docker-entrypoint.sh --verbose 'two words'",
    user: '1000',
    networks: ['front'],
  });
});

test('Health check durations accept units and plain seconds', async (t) => {
  const service = firstService(
    await load(t, services('web:\n  image: x\n  healthcheck:\n    test: curl -f localhost\n    interval: 1m30s\n    timeout: 500ms\n    start_period: 20\n    retries: 5')),
  );
  t.deepEqual(service.healthCheck, {
    type: 'docker',
    test: ['CMD-SHELL', 'curl -f localhost'],
    intervalMs: 90_000,
    timeoutMs: 500,
    retries: 5,
    startPeriodMs: 20_000,
  });
});

test('An http health check defaults its path to / and its timing to Docker defaults', async (t) => {
  const service = firstService(await load(t, services('web:\n  image: x\n  healthCheck: { type: HTTP, port: 8080 }')));
  t.deepEqual(service.healthCheck, {
    type: 'http',
    port: 8080,
    path: '/',
    intervalMs: 30_000,
    timeoutMs: 30_000,
    retries: 3,
    startPeriodMs: 0,
  });
});

test('A compose health check with disable: true becomes type none', async (t) => {
  const service = firstService(await load(t, services('web:\n  image: x\n  healthcheck: { disable: true }')));
  t.deepEqual(service.healthCheck, { type: 'none' });
});

test('An init container defaults to restart no and keeps its initTimeoutSeconds', async (t) => {
  const service = firstService(await load(t, services('migrate:\n  image: x\n  lifecycle: init\n  initTimeoutSeconds: 600')));
  t.like(service, { lifecycle: 'init', restart: 'no', initTimeoutSeconds: 600 });
});

test('Ports may hold placeholders in every part', async (t) => {
  const service = firstService(
    await load(t, services('web:\n  image: x\n  ports: ["${IP:-127.0.0.1}:${PORT}:80/udp", "${PORTS}", "[::1]:8443:443"]')),
  );
  t.deepEqual(service.ports, ['${IP:-127.0.0.1}:${PORT}:80/udp', '${PORTS}', '[::1]:8443:443']);
});

test('Compose long port and volume syntax become the short forms', async (t) => {
  const service = firstService(
    await load(
      t,
      services(
        'web:\n  image: x\n  ports:\n    - { target: 80, published: 8080, protocol: udp, host_ip: 127.0.0.1 }\n  volumes:\n    - { type: bind, source: conf, target: /etc/x, read_only: true }\n    - { type: volume, source: data, target: /data }',
      ),
    ),
  );
  t.deepEqual(service.ports, ['127.0.0.1:8080:80/udp']);
  t.deepEqual(service.volumes, ['./conf:/etc/x:ro', 'data:/data']);
});

test('Named volumes, bind mounts and placeholder sources are accepted', async (t) => {
  const service = firstService(
    await load(t, services('web:\n  image: x\n  volumes: ["data:/data:ro", "/srv/x:/x", "./conf:/conf:rw", "${DATA_DIR:-./data}:/d"]')),
  );
  t.deepEqual(service.volumes, ['data:/data:ro', '/srv/x:/x', './conf:/conf:rw', '${DATA_DIR:-./data}:/d']);
});

test('Numbers in YAML are kept as the text the author wrote', async (t) => {
  const loaded = only(await load(t, product('services: { web: { image: x } }\n', 'variables:\n  RATIO: { default: 1.10 }\n  MODE: { default: 0755 }\n')));
  t.deepEqual(
    loaded.stacks[0]?.variables.map((def) => def.default),
    ['1.10', '0755'],
  );
});

test('Variable types are matched case-insensitively', async (t) => {
  const loaded = only(
    await load(t, product('services: { web: { image: x } }\n', 'variables:\n  DB: { type: connectionString }\n  P: { type: PORT, default: "80" }\n')),
  );
  t.deepEqual(
    loaded.stacks[0]?.variables.map((def) => def.type),
    ['ConnectionString', 'Port'],
  );
});

test('A variable is required exactly when it has no default, unless required is given', async (t) => {
  const loaded = only(
    await load(
      t,
      product(
        'services: { web: { image: x } }\n',
        'variables:\n  A: {}\n  B: { default: x }\n  C: { required: false }\n  D: { default: x, required: true }\n  E:\n',
      ),
    ),
  );
  t.deepEqual(
    loaded.stacks[0]?.variables.map((def) => [def.name, def.required]),
    [
      ['A', true],
      ['B', false],
      ['C', false],
      ['D', true],
      ['E', true],
    ],
  );
});

test('An unknown variable type loads as String with a warning', async (t) => {
  const result = await load(t, product('services: { web: { image: x } }\n', 'variables:\n  C: { type: Colour }\n'));
  t.is(only(result).stacks[0]?.variables[0]?.type, 'String');
  t.deepEqual(result.warnings, [{ file: 'shop.yaml', message: 'variables.C.type: unknown type "Colour"; treated as String' }]);
});

test('An unsupported service key loads with a warning naming it', async (t) => {
  const result = await load(t, services('web:\n  image: x\n  privileged: true\n  x-note: fine'));
  t.is(only(result).stacks[0]?.services.length, 1);
  t.deepEqual(result.warnings, [{ file: 'shop.yaml', message: 'services.web.privileged: not supported; ignored' }]);
});

test('Merge keys share settings between services', async (t) => {
  const loaded = only(
    await load(t, product('x-base: &base\n  image: shop/base:1\n  restart: always\nservices:\n  a:\n    <<: *base\n  b:\n    <<: *base\n    image: shop/b:1\n')),
  );
  t.deepEqual(
    loaded.stacks[0]?.services.map((service) => [service.name, service.image, service.restart]),
    [
      ['a', 'shop/base:1', 'always'],
      ['b', 'shop/b:1', 'always'],
    ],
  );
});

test('A leading v in productVersion is tolerated and dropped', async (t) => {
  const loaded = only(await load(t, 'metadata:\n  name: Shop\n  productVersion: v2.1.0-rc.1\nservices:\n  web: { image: x }\n'));
  t.is(loaded.version, '2.1.0-rc.1');
});

test('Product metadata is read into the model', async (t) => {
  const loaded = only(
    await load(
      t,
      'metadata:\n  name: Shop\n  productId: com.acme.shop\n  productVersion: "3.0.0"\n  description: A shop\n  category: Commerce\n  tags: [web, shop]\n  author: Acme\n  documentation: https://docs.acme.test\n  icon: https://acme.test/i.png\n  releaseNotesUrl: https://acme.test/notes\nservices:\n  web: { image: x }\n',
    ),
  );
  t.like(loaded, {
    file: 'shop.yaml',
    groupId: 'com.acme.shop',
    name: 'Shop',
    version: '3.0.0',
    description: 'A shop',
    category: 'Commerce',
    tags: ['web', 'shop'],
    author: 'Acme',
    documentation: 'https://docs.acme.test',
    icon: 'https://acme.test/i.png',
    releaseNotesUrl: 'https://acme.test/notes',
  });
});

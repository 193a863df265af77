import test from 'ava';
import { readFile, rename, symlink, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { runCatalogSources } from '../../../core/catalog/run-catalog-sources.js';
import type { TestHost } from '../../../core/testing.js';
import { catalogFolder, writeTree } from '../../support/catalog-folder.js';
import { singleStackProduct } from '../../support/product-manifests.js';
import { useTestHost } from '../../support/test-host.js';

const SOURCE = 'examples';

function localSourceHost(t: Parameters<typeof useTestHost>[0], configDir: string, options: Record<string, unknown> = {}): Promise<TestHost> {
  return useTestHost(t, { configDir, config: { plugins: [{ use: 'local-directory-source', name: SOURCE, options: { path: 'stacks', ...options } }] } });
}

const catalogOf = (host: TestHost): string[] =>
  host.host.catalog.groups().flatMap((group) => group.map((product) => `${product.name}@${product.version}`));

const platform = `metadata:
  name: Platform
  productId: com.acme.platform
  productVersion: "3.0.0"
sharedVariables:
  LOG_LEVEL: { default: info }
stacks:
  api:
    include: api.yaml
  worker:
    services:
      worker: { image: acme/worker:3 }
  web:
    services:
      web: { image: acme/web:3 }
`;
const apiFragment = 'metadata: { name: API }\nservices:\n  api: { image: acme/api:3 }\n';

test('A sync counts products, not stacks, and never fragments', async (t) => {
  const dir = await catalogFolder(t, {
    'stacks/shop.yaml': singleStackProduct('Shop', '1.0.0'),
    'stacks/platform/platform.yaml': platform,
    'stacks/platform/api.yaml': apiFragment,
    'stacks/shared/logging.yaml': 'services:\n  fluent: { image: fluent/fluent-bit:3 }\n',
    'stacks/billing/stack.yaml': 'metadata: { productVersion: "0.4.0" }\nservices:\n  billing: { image: acme/billing:0.4 }\n',
    'stacks/billing/notes.yaml': 'not: a product, owned by the billing folder\n',
    'stacks/legacy/docker-compose.yml': 'services:\n  app: { image: acme/legacy:1 }\n',
    'stacks/README.md': '# not a manifest\n',
  });
  const host = await localSourceHost(t, dir);
  const report = await host.host.catalog.sync();

  t.deepEqual(report, { success: true, sourcesSynced: 1, stacksLoaded: 4, errors: [], warnings: [] });
  t.deepEqual(catalogOf(host), ['billing@0.4.0', 'legacy@0.0.0', 'Platform@3.0.0', 'Shop@1.0.0']);
  const stacks = host.host.catalog.groups().flatMap((group) => group.flatMap((product) => product.manifest.stacks));
  t.is(stacks.length, 6, 'the platform alone has three stacks');
});

test('An invalid file is a warning naming it, and the other products still load', async (t) => {
  const dir = await catalogFolder(t, {
    'stacks/shop.yaml': singleStackProduct('Shop', '1.0.0'),
    'stacks/broken.yaml': 'metadata: { productVersion: "1.0.0"\nservices: [',
    'stacks/bad-port.yaml': 'metadata: { name: BadPort, productVersion: "1.0.0" }\nservices:\n  web: { image: nginx, ports: ["80"] }\n',
    'stacks/bad-version.yaml': 'metadata: { productVersion: "one" }\nservices:\n  web: { image: nginx }\n',
  });
  const host = await localSourceHost(t, dir);
  const report = await host.host.catalog.sync();

  t.like(report, { success: true, sourcesSynced: 1, stacksLoaded: 1, errors: [] });
  t.deepEqual(
    report.warnings.map((warning) => [warning.source, warning.file]),
    [
      [SOURCE, 'bad-port.yaml'],
      [SOURCE, 'bad-version.yaml'],
      [SOURCE, 'broken.yaml'],
    ],
  );
  t.regex(report.warnings[0]?.message ?? '', /services\.web\.ports\[0\]: expected "host:container/);
  t.regex(report.warnings[1]?.message ?? '', /productVersion.*"one" is not a SemVer version/);
  t.deepEqual(catalogOf(host), ['Shop@1.0.0']);
});

test('A missing folder fails that source and its last good products stay until it is back', async (t) => {
  const dir = await catalogFolder(t, { 'stacks/shop.yaml': singleStackProduct('Shop', '1.0.0') });
  const host = await localSourceHost(t, dir);
  t.deepEqual(catalogOf(host), ['Shop@1.0.0']);

  await rename(join(dir, 'stacks'), join(dir, 'moved'));
  const failed = await host.host.catalog.sync();
  t.deepEqual(failed, {
    success: false,
    sourcesSynced: 0,
    stacksLoaded: 0,
    errors: [{ source: SOURCE, message: "folder 'stacks' does not exist" }],
    warnings: [],
  });
  t.deepEqual(catalogOf(host), ['Shop@1.0.0']);

  await rename(join(dir, 'moved'), join(dir, 'stacks'));
  await writeTree(dir, { 'stacks/tools.yaml': singleStackProduct('Tools', '0.1.0') });
  t.like(await host.host.catalog.sync(), { success: true, stacksLoaded: 2 });
  t.deepEqual(catalogOf(host), ['Shop@1.0.0', 'Tools@0.1.0']);
});

test('A folder missing at start is reported and does not stop the start', async (t) => {
  const dir = await catalogFolder(t, {});
  const host = await localSourceHost(t, dir);
  t.deepEqual(catalogOf(host), []);
  t.true(host.logs.some((line) => line.includes('catalog source failed') && line.includes("folder 'stacks' does not exist")));
});

test('The path is relative to the config folder', async (t) => {
  const dir = await catalogFolder(t, { 'catalogs/main/shop.yaml': singleStackProduct('Shop', '1.0.0') });
  const host = await localSourceHost(t, join(dir, 'config'), { path: '../catalogs/main' });
  t.deepEqual(catalogOf(host), ['Shop@1.0.0']);
});

test('filePattern chooses the files that are read', async (t) => {
  const dir = await catalogFolder(t, {
    'stacks/shop.stack.yml': singleStackProduct('Shop', '1.0.0'),
    'stacks/tools.STACK.YML': singleStackProduct('Tools', '1.0.0'),
    'stacks/other.yaml': singleStackProduct('Other', '1.0.0'),
  });
  const host = await localSourceHost(t, dir, { filePattern: '*.stack.yml; *.nothing' });
  t.deepEqual(catalogOf(host), ['Shop@1.0.0', 'Tools@1.0.0']);
});

test('Includes resolve against the including file and may reach sibling folders inside the source', async (t) => {
  const dir = await catalogFolder(t, {
    'stacks/products/platform.yaml': platform.replace('include: api.yaml', 'include: ../shared/api.yaml'),
    'stacks/shared/api.yaml': apiFragment,
  });
  const host = await localSourceHost(t, dir);
  const product = host.host.catalog.find('com.acme.platform');
  t.deepEqual(product?.manifest.stacks.map((stack) => stack.name), ['API', 'worker', 'web']);
});

test('An include that climbs out of the source folder is refused and its product skipped with a warning', async (t) => {
  const dir = await catalogFolder(t, {
    'stacks/platform.yaml': platform.replace('include: api.yaml', 'include: ../../outside/api.yaml'),
    'stacks/shop.yaml': singleStackProduct('Shop', '1.0.0'),
    'outside/api.yaml': apiFragment,
  });
  const host = await localSourceHost(t, dir);
  const report = await host.host.catalog.sync();
  t.deepEqual(catalogOf(host), ['Shop@1.0.0']);
  t.is(report.warnings.length, 1);
  t.like(report.warnings[0], { source: SOURCE, file: 'platform.yaml' });
  t.regex(report.warnings[0]?.message ?? '', /leaves the source root/);
});

test('Symbolic links that lead out of the source folder are not followed', async (t) => {
  const dir = await catalogFolder(t, {
    'stacks/platform.yaml': platform.replace('include: api.yaml', 'include: linked-api.yaml'),
    'stacks/shop.yaml': singleStackProduct('Shop', '1.0.0'),
    'outside/api.yaml': apiFragment,
    'outside/secret.yaml': singleStackProduct('Secret', '1.0.0'),
  });
  await symlink(join(dir, 'outside', 'api.yaml'), join(dir, 'stacks', 'linked-api.yaml'));
  await symlink(join(dir, 'outside', 'secret.yaml'), join(dir, 'stacks', 'secret.yaml'));
  await symlink(join(dir, 'outside'), join(dir, 'stacks', 'outside-folder'));
  const host = await localSourceHost(t, dir);
  const report = await host.host.catalog.sync();

  t.deepEqual(catalogOf(host), ['Shop@1.0.0']);
  t.deepEqual(report.warnings.map((warning) => warning.file).sort(), ['linked-api.yaml', 'platform.yaml', 'secret.yaml']);
  t.false(JSON.stringify(report).includes(dir), 'no host path in the report');
});

test('Within one source the same groupId and version twice keeps the first file', async (t) => {
  const dir = await catalogFolder(t, {
    'stacks/a-shop.yaml': singleStackProduct('Shop', '1.0.0', { productId: 'com.acme.shop', image: 'acme/shop:a' }),
    'stacks/b-shop.yaml': singleStackProduct('Shop Copy', '1.0.0', { productId: 'com.acme.shop', image: 'acme/shop:b' }),
  });
  const host = await localSourceHost(t, dir);
  const report = await host.host.catalog.sync();
  t.is(report.stacksLoaded, 1);
  t.like(report.warnings[0], { file: 'b-shop.yaml' });
  t.is(host.host.catalog.find('com.acme.shop')?.manifest.file, 'a-shop.yaml');
});

test('The same groupId and version in two sources: the first source in config order wins, with a warning', async (t) => {
  const dir = await catalogFolder(t, {
    'zeta/shop.yaml': singleStackProduct('Shop', '1.0.0', { productId: 'com.acme.shop', image: 'acme/shop:zeta' }),
    'alpha/shop.yaml': singleStackProduct('Shop', '1.0.0', { productId: 'com.acme.shop', image: 'acme/shop:alpha' }),
    'alpha/shop-1.1.yaml': singleStackProduct('Shop', '1.1.0', { productId: 'com.acme.shop' }),
  });
  const host = await useTestHost(t, {
    configDir: dir,
    config: {
      plugins: [
        { use: 'local-directory-source', name: 'zeta', options: { path: 'zeta' } },
        { use: 'local-directory-source', name: 'alpha', options: { path: 'alpha' } },
      ],
    },
  });
  const report = await host.host.catalog.sync();

  t.deepEqual(
    host.host.catalog.versions('com.acme.shop').map((product) => [product.version, product.sourceId, product.id]),
    [
      ['1.0.0', 'zeta', 'zeta:com.acme.shop:1.0.0'],
      ['1.1.0', 'alpha', 'alpha:com.acme.shop:1.1.0'],
    ],
  );
  t.deepEqual(report.warnings, [
    {
      source: 'alpha',
      file: 'shop.yaml',
      message: "Product 'com.acme.shop' version 1.0.0 is already provided by source 'zeta'; this copy is ignored.",
    },
  ]);
  t.like(report, { success: true, sourcesSynced: 2, stacksLoaded: 2 });
});

test('Versions are ordered by SemVer precedence with pre-releases below their release', async (t) => {
  const versions = ['1.10.0', '1.2.0', '1.2.0-rc.1', '1.2.0-beta.10', '1.2.0-beta.2', '1.2.0-alpha', 'v2.0.0-rc.1', '0.9.0'];
  const tree = Object.fromEntries(
    versions.map((version, index) => [`stacks/shop-${index}.yaml`, singleStackProduct('Shop', version, { productId: 'com.acme.shop' })]),
  );
  const host = await localSourceHost(t, await catalogFolder(t, tree));
  const { catalog } = host.host;

  t.deepEqual(
    catalog.versions('com.acme.shop').map((product) => product.version),
    ['0.9.0', '1.2.0-alpha', '1.2.0-beta.2', '1.2.0-beta.10', '1.2.0-rc.1', '1.2.0', '1.10.0', '2.0.0-rc.1'],
  );
  t.is(catalog.find('com.acme.shop')?.version, '2.0.0-rc.1');
  t.is(catalog.find('com.acme.shop', 'v1.2.0')?.id, `${SOURCE}:com.acme.shop:1.2.0`);
  t.is(catalog.find('com.acme.shop', '1.3.0'), null);
});

test('Product ids are the source, the productId or else the name, and the version', async (t) => {
  const dir = await catalogFolder(t, {
    'stacks/shop.yaml': singleStackProduct('Shop', '1.0.0'),
    'stacks/tools.yaml': singleStackProduct('Tools', '2.0.0', { productId: 'com.acme.tools' }),
  });
  const host = await localSourceHost(t, dir);
  t.deepEqual(
    host.host.catalog.groups().map((group) => group.map((product) => [product.id, product.groupId])),
    [[[`${SOURCE}:Shop:1.0.0`, `${SOURCE}:Shop`]], [[`${SOURCE}:com.acme.tools:2.0.0`, 'com.acme.tools']]],
  );
  t.is(host.host.catalog.byId(`${SOURCE}:com.acme.tools:2.0.0`)?.name, 'Tools');
});

test('An unchanged folder answers "unchanged"; an edited file makes it read again', async (t) => {
  const dir = await catalogFolder(t, { 'stacks/shop.yaml': singleStackProduct('Shop', '1.0.0') });
  const host = await localSourceHost(t, dir);
  const first = (await runCatalogSources(host.hooks, new Map(), new AbortController().signal)).get(SOURCE);
  const revision = first !== undefined && 'result' in first && 'revision' in first.result ? first.result.revision : null;
  t.truthy(revision);

  const again = await runCatalogSources(host.hooks, new Map([[SOURCE, revision ?? '']]), new AbortController().signal);
  t.deepEqual(again.get(SOURCE), { result: { unchanged: true } });

  await writeTree(dir, { 'stacks/shop.yaml': (await readFile(join(dir, 'stacks/shop.yaml'), 'utf8')).replace('1.0.0', '1.0.1') });
  const later = new Date(Date.now() + 5_000);
  await utimes(join(dir, 'stacks/shop.yaml'), later, later);
  await host.host.catalog.sync();
  t.deepEqual(catalogOf(host), ['Shop@1.0.1']);
});

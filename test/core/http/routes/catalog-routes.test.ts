import test, { type ExecutionContext } from 'ava';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestHost, TestResponse } from '../../../../core/testing.js';
import { createKey, type AuthTestHost } from '../../../support/api-keys.js';
import { catalogFolder } from '../../../support/catalog-folder.js';
import { singleStackProduct } from '../../../support/product-manifests.js';
import { useTestHost } from '../../../support/test-host.js';

const platform = `metadata:
  name: Platform
  productId: com.acme.platform
  productVersion: "2.0.0"
  description: API and worker.
  category: Business
  tags: [acme, api]
sharedVariables:
  DB_PASSWORD: { type: Password, default: "shared-secret-default" }
  LOG_LEVEL: { type: Select, default: info, options: [info, debug] }
stacks:
  api:
    metadata: { name: API }
    variables:
      API_PORT: { type: Port, default: "8080", label: API port }
      LOG_LEVEL: { type: Select, options: [info, debug, trace] }
    services:
      api: { image: acme/api:2, ports: ["\${API_PORT}:80"] }
      cache: { image: redis:7 }
  worker:
    include: worker.yaml
`;

interface CatalogHost {
  readonly host: TestHost;
  readonly dir: string;
  readonly token: string;
  /** A key holding only Hooks.SyncSources. */
  readonly syncKey: string;
}

/**
 * A host with API keys and two local catalog sources, `main` (folder `main`) and `extra`
 * (folder `extra`), written from `tree`; the admin is signed in and holds a sync-only key.
 */
async function catalogHost(t: ExecutionContext, tree: Readonly<Record<string, string>>): Promise<CatalogHost> {
  const dir = await catalogFolder(t, tree);
  const host = await useTestHost(t, {
    configDir: dir,
    config: {
      plugins: [
        { use: 'api-key-auth' },
        { use: 'local-directory-source', name: 'main', options: { path: 'main' } },
        { use: 'local-directory-source', name: 'extra', options: { path: 'extra' } },
      ],
    },
  });
  const auth: AuthTestHost = { host, token: await host.signIn() };
  const key = await createKey(t, auth, { name: 'pipeline', permissions: ['Hooks.SyncSources'] });
  return { host, dir, token: auth.token, syncKey: key.fullKey };
}

const healthyTree = {
  'main/platform/platform.yaml': platform,
  'main/platform/worker.yaml': 'metadata: { name: Worker }\nservices:\n  worker: { image: acme/worker:2 }\n',
  'main/platform-1.yaml': platform.replace('productVersion: "2.0.0"', 'productVersion: "1.5.0"').replace('include: worker.yaml', 'include: platform/worker.yaml'),
  'main/shop.yaml': singleStackProduct('Shop', '1.0.0'),
  'extra/platform-rc.yaml': platform.replace('productVersion: "2.0.0"', 'productVersion: "2.0.0-rc.1"').replace('include: worker.yaml', 'services: { worker: { image: acme/worker:rc } }'),
};

const withRequestId = (res: TestResponse, body: Record<string, unknown>) => ({ ...body, requestId: res.headers.get('x-request-id') });

test('The sync-sources hook answers the counts and the exact message', async (t) => {
  const { host, syncKey } = await catalogHost(t, healthyTree);
  const res = await host.request('POST', '/api/hooks/sync-sources', { apiKey: syncKey });
  t.is(res.status, 200, res.text);
  // Products, not stacks: three in main (platform 2.0.0 and 1.5.0, shop), one in extra.
  t.regex(String(res.body['operationId']), /^[0-9a-f-]{36}$/);
  t.deepEqual(res.body, { success: true, stacksLoaded: 4, sourcesSynced: 2, message: 'Synced 2 source(s), loaded 4 stack(s).', operationId: res.body['operationId'] });
});

test('Skipped manifests come back as warnings with a 200', async (t) => {
  const { host, syncKey } = await catalogHost(t, {
    'main/shop.yaml': singleStackProduct('Shop', '1.0.0'),
    'main/broken.yaml': 'metadata: { productVersion: "1.0.0" }\nservices:\n  web: { image: nginx, ports: ["80"] }\n',
    'extra/tools.yaml': singleStackProduct('Tools', '1.0.0'),
  });
  const res = await host.request('POST', '/api/hooks/sync-sources', { apiKey: syncKey });
  t.is(res.status, 200);
  t.like(res.body, { success: true, stacksLoaded: 2, sourcesSynced: 2, message: 'Synced 2 source(s), loaded 2 stack(s).' });
  const warnings = res.body['warnings'] as Array<Record<string, string>>;
  t.is(warnings.length, 1);
  t.like(warnings[0], { source: 'main', file: 'broken.yaml' });
  t.regex(warnings[0]?.['message'] ?? '', /services\.web\.ports\[0\]: expected "host:container/);
});

test('A failing source makes the hook answer 500 with every error, while the others still sync', async (t) => {
  const { host, dir, syncKey } = await catalogHost(t, { ...healthyTree, 'extra/broken.yaml': 'metadata: { productVersion: "1.0.0" }\n' });
  await rename(join(dir, 'main'), join(dir, 'gone'));
  const res = await host.request('POST', '/api/hooks/sync-sources', { apiKey: syncKey });

  t.is(res.status, 500);
  t.deepEqual(
    res.body,
    withRequestId(res, {
      success: false,
      stacksLoaded: 1,
      sourcesSynced: 1,
      message: "Sync completed with errors: Failed to sync 'main': folder 'main' does not exist",
      errors: [{ source: 'main', message: "folder 'main' does not exist" }],
      warnings: [{ source: 'extra', file: 'broken.yaml', message: (res.body['warnings'] as Array<{ message: string }>)[0]?.message }],
      code: 'SYNC_FAILED',
      operationId: res.body['operationId'],
    }),
  );
  t.regex(String(res.body['operationId']), /^[0-9a-f-]{36}$/);
  // The failed source keeps what it had: the catalog still lists main's products.
  t.is(host.host.catalog.find('com.acme.platform', '2.0.0')?.sourceId, 'main');
});

test('Several failing sources are all named in the message', async (t) => {
  const { host, dir, syncKey } = await catalogHost(t, healthyTree);
  await rename(join(dir, 'main'), join(dir, 'gone-main'));
  await rename(join(dir, 'extra'), join(dir, 'gone-extra'));
  const res = await host.request('POST', '/api/hooks/sync-sources', { apiKey: syncKey });
  t.is(res.status, 500);
  t.like(res.body, {
    success: false,
    stacksLoaded: 0,
    sourcesSynced: 0,
    message: "Sync completed with errors: Failed to sync 'main': folder 'main' does not exist; Failed to sync 'extra': folder 'extra' does not exist",
  });
  t.is((res.body['errors'] as unknown[]).length, 2);
});

test('The admin sync is the twin of the hook and is refused to API keys', async (t) => {
  const { host, token, syncKey } = await catalogHost(t, healthyTree);
  const admin = await host.request('POST', '/api/catalog/sync', { token });
  t.is(admin.status, 200);
  t.deepEqual(admin.body, { success: true, stacksLoaded: 4, sourcesSynced: 2, message: 'Synced 2 source(s), loaded 4 stack(s).' });

  const byKey = await host.request('POST', '/api/catalog/sync', { apiKey: syncKey });
  t.is(byKey.status, 403);
  const anonymous = await host.request('POST', '/api/catalog/sync');
  t.is(anonymous.status, 401);
});

test('The admin sync reports a failing source exactly like the hook', async (t) => {
  const { host, dir, token } = await catalogHost(t, healthyTree);
  await rename(join(dir, 'extra'), join(dir, 'gone'));
  const res = await host.request('POST', '/api/catalog/sync', { token });
  t.is(res.status, 500);
  t.deepEqual(
    res.body,
    withRequestId(res, {
      success: false,
      stacksLoaded: 3,
      sourcesSynced: 1,
      message: "Sync completed with errors: Failed to sync 'extra': folder 'extra' does not exist",
      errors: [{ source: 'extra', message: "folder 'extra' does not exist" }],
      warnings: [],
      code: 'SYNC_FAILED',
    }),
  );
});

test('The catalog lists one entry per product with its latest version and every version in order', async (t) => {
  const { host, token } = await catalogHost(t, healthyTree);
  const res = await host.request('GET', '/api/catalog', { token });
  t.is(res.status, 200);
  const products = res.body['products'] as Array<Record<string, unknown>>;
  t.deepEqual(
    products.map((product) => [product['name'], product['version'], product['versions']]),
    [
      ['Platform', '2.0.0', ['1.5.0', '2.0.0-rc.1', '2.0.0']],
      ['Shop', '1.0.0', ['1.0.0']],
    ],
  );
  const [platformView] = products;
  t.like(platformView, {
    id: 'main:com.acme.platform:2.0.0',
    groupId: 'com.acme.platform',
    sourceId: 'main',
    description: 'API and worker.',
    category: 'Business',
    tags: ['acme', 'api'],
  });
  const stacks = platformView?.['stacks'] as Array<{ name: string; services: string[]; variables: Array<Record<string, unknown>> }>;
  t.deepEqual(
    stacks.map((stack) => [stack.name, stack.services, stack.variables.map((variable) => variable['name'])]),
    [
      ['API', ['api', 'cache'], ['DB_PASSWORD', 'LOG_LEVEL', 'API_PORT']],
      ['Worker', ['worker'], ['DB_PASSWORD', 'LOG_LEVEL']],
    ],
  );
  const [password, logLevel, port] = stacks[0]?.variables ?? [];
  t.like(password, { type: 'Password', default: '********', required: false });
  t.false(res.text.includes('shared-secret-default'), 'a Password default never leaves the host');
  t.like(logLevel, { type: 'Select', default: 'info', required: false });
  t.deepEqual(
    (logLevel?.['options'] as Array<{ value: string }>).map((option) => option.value),
    ['info', 'debug', 'trace'],
    "the stack's definition replaces the shared one and keeps the shared default",
  );
  t.deepEqual(port, {
    name: 'API_PORT',
    type: 'Port',
    default: '8080',
    required: false,
    label: 'API port',
    description: null,
    pattern: null,
    patternError: null,
    options: [],
    min: null,
    max: null,
    group: null,
    order: null,
    placeholder: null,
  });
});

test('The catalog is for signed-in users only', async (t) => {
  const { host, syncKey } = await catalogHost(t, healthyTree);
  t.is((await host.request('GET', '/api/catalog', { apiKey: syncKey })).status, 403);
  t.is((await host.request('GET', '/api/catalog')).status, 401);
});

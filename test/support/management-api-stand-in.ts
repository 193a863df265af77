import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ExecutionContext } from 'ava';

export const LOCAL_ID = '6f1c0a52-3d5e-4c8e-9a51-2b7f8e0d4c11';
export const STAGING_ID = '0d3e5f7a-1b2c-4d5e-8f90-a1b2c3d4e5f6';
export const SHOP_ID = 'd4f8b2c1-6a0e-4f7e-9a55-0c1f2b3d4e5f';
export const BROKEN_ID = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const TOKEN = 'stand-in-session-token';

const environments = [
  { id: LOCAL_ID, name: 'local', type: 'docker', dockerHost: null, isDefault: true },
  { id: STAGING_ID, name: 'staging', type: 'docker', dockerHost: 'tcp://10.0.0.5:2376', isDefault: false },
];

const products = [
  {
    id: 'examples:com.acme.shop:1.2.0',
    groupId: 'com.acme.shop',
    name: 'Acme Shop',
    version: '1.2.0',
    sourceId: 'examples',
    versions: ['1.1.0', '1.2.0'],
    stacks: [{ name: 'Shop', services: ['web', 'db'], variables: [] }],
  },
];

const shop = {
  id: SHOP_ID,
  environmentId: STAGING_ID,
  stackName: 'shop',
  stackVersion: '1.2.0',
  productId: 'com.acme.shop',
  status: 'Running',
  errorMessage: null,
  updatedAt: '2026-11-27T09:12:44.120Z',
  variables: { SHOP_TITLE: 'Acme', DB_PASSWORD: '********' },
  services: [
    { serviceName: 'web', containerId: 'c1', containerName: 'shop_web', image: 'registry.example.com/acme/web:1.2.0', status: 'running' },
    { serviceName: 'db', containerId: 'c2', containerName: 'shop_db', image: 'postgres:16', status: 'running' },
  ],
  history: [
    { id: 1, operation: 'deploy', outcome: 'Succeeded', startedAt: '2026-11-27T09:10:02.000Z', finishedAt: '2026-11-27T09:12:44.000Z', message: null, triggeredBy: 'user:admin', fromVersion: null, toVersion: '1.2.0' },
  ],
};

export interface StandInOptions {
  /** The sync answers 500 with a failed source. */
  readonly syncFails?: boolean;
  /** How long a deployment takes. */
  readonly deployMs?: number;
  /** `shop` is deployed in `local` as well, so the name alone is ambiguous. */
  readonly shopInLocalToo?: boolean;
}

/** The stand-in's address, the session token it accepts and the bodies posted to it. */
export interface ManagementApiStandIn {
  readonly url: string;
  readonly token: string;
  readonly posted: { path: string; body: unknown }[];
}

/**
 * A stand-in for the catalog and deployment parts of the management API, answering exactly as
 * the HTTP API contract describes (`GET /api/catalog`, `POST /api/catalog/sync`,
 * `POST|GET /api/deployments`). It lets the CLI's rendering and exit codes for those commands be
 * tested before the host serves the routes; environments are answered too, as the CLI resolves
 * environment names through them. `com.acme.broken` fails to deploy.
 */
export async function useManagementApiStandIn(t: ExecutionContext, options: StandInOptions = {}): Promise<ManagementApiStandIn> {
  const posted: { path: string; body: unknown }[] = [];
  const deployments = [shop, { ...shop, id: BROKEN_ID, stackName: 'broken', productId: 'com.acme.broken', status: 'Failed', errorMessage: 'image not found', services: [] }];
  if (options.shopInLocalToo) deployments.push({ ...shop, id: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f', environmentId: LOCAL_ID });

  const answer = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': 'stand-in-request' });
    res.end(JSON.stringify(body));
  };
  const route = async (req: IncomingMessage, res: ServerResponse, body: unknown) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    if (req.headers['authorization'] !== `Bearer ${TOKEN}`) return answer(res, 401, { success: false, message: 'Sign-in required.', code: 'AUTH_REQUIRED' });
    const key = `${req.method} ${url.pathname}`;
    if (req.method === 'POST') posted.push({ path: url.pathname, body });
    if (key === 'GET /api/environments') return answer(res, 200, { environments });
    if (key === 'GET /api/catalog') return answer(res, 200, { products });
    if (key === 'POST /api/catalog/sync') {
      return options.syncFails
        ? answer(res, 500, {
            success: false,
            stacksLoaded: 1,
            sourcesSynced: 1,
            message: "Sync completed with errors: Failed to sync 'platform': repository not found",
            errors: [{ source: 'platform', message: 'repository not found' }],
            warnings: [{ source: 'examples', file: 'broken.yaml', message: 'metadata.name: Required' }],
          })
        : answer(res, 200, { success: true, stacksLoaded: 1, sourcesSynced: 2, message: 'Synced 2 source(s), loaded 1 stack(s).', warnings: [{ source: 'examples', file: 'broken.yaml', message: 'metadata.name: Required' }] });
    }
    if (key === 'POST /api/deployments') {
      await new Promise((done) => setTimeout(done, options.deployMs ?? 0));
      const request = body as { productId?: string; stackName?: string };
      if (request.productId === 'com.acme.broken') {
        return answer(res, 400, { success: false, message: "Deployment failed: Service 'web' did not start within 60s.", code: 'DEPLOY_FAILED', deploymentId: BROKEN_ID });
      }
      return answer(res, 201, { success: true, deploymentId: SHOP_ID, stackName: request.stackName, stackVersion: '1.2.0', status: 'Running' });
    }
    if (key === 'GET /api/deployments') {
      const environmentId = url.searchParams.get('environmentId');
      return answer(res, 200, { deployments: deployments.filter((item) => environmentId === null || item.environmentId === environmentId) });
    }
    const found = /^GET \/api\/deployments\/([0-9a-f-]{36})$/.exec(key);
    const deployment = deployments.find((item) => item.id === found?.[1]);
    if (deployment) return answer(res, 200, { deployment });
    return answer(res, 404, { success: false, message: `No route for ${req.method} ${url.pathname}.`, code: 'NOT_FOUND' });
  };

  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => void route(req, res, text === '' ? undefined : (JSON.parse(text) as unknown)));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  t.teardown(() => new Promise<void>((done) => server.close(() => done())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token: TOKEN, posted };
}

import test from 'ava';
import Router from '@koa/router';
import { Validator } from '@seriousme/openapi-schema-validator';
import { useAuthHost } from '../../support/api-keys.js';
import { servedRoutes, type ServedRoute } from '../../support/served-routes.js';
import type { RequestState } from '../../../core/http/request-state.js';

type Operation = { summary?: string; security?: unknown[]; requestBody?: { content: Record<string, { schema: Record<string, unknown> }> }; parameters?: Array<Record<string, unknown>> };
type Document = { openapi: string; paths: Record<string, Record<string, Operation>> };

/** The document's key of a served route: `GET /api/deployments/{id}`. */
const keyOf = (route: ServedRoute) => `${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`;

/** The served routes the document leaves out, and the documented operations nobody serves. */
function compare(served: readonly ServedRoute[], document: Document) {
  const documented = new Set(Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`)));
  const servedKeys = new Set(served.map(keyOf));
  return { undocumented: [...servedKeys].filter((key) => !documented.has(key)), unserved: [...documented].filter((key) => !servedKeys.has(key)) };
}

async function documentOf(t: Parameters<typeof useAuthHost>[0]) {
  const auth = await useAuthHost(t, 'sqlite');
  // No credentials: the description of the API is public.
  const res = await auth.host.request('GET', '/api/openapi.json');
  t.is(res.status, 200, res.text);
  return { auth, document: res.body as unknown as Document };
}

test('GET /api/openapi.json is a valid OpenAPI 3.1 document, without authentication', async (t) => {
  const { document } = await documentOf(t);
  t.is(document.openapi, '3.1.0');
  const validator = new Validator();
  const result = await validator.validate(document as unknown as Record<string, unknown>);
  t.is(validator.version, '3.1');
  t.true(result.valid, JSON.stringify(result.errors, null, 2));
});

test('every route the router serves is in the document, and the document lists no route that is not served', async (t) => {
  const { auth, document } = await documentOf(t);
  const served = servedRoutes(auth.host.host.app);
  // The host's own areas are all there: a sanity check that the walk found the router.
  for (const route of ['POST /api/hooks/redeploy', 'POST /api/deployments', 'GET /api/audit', 'GET /healthz', 'GET /api/openapi.json', 'GET /api/docs']) {
    t.true(served.some((r) => keyOf(r) === route), route);
  }
  t.deepEqual(compare(served, document), { undocumented: [], unserved: [] });
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) t.truthy(operation.summary, `${method} ${path} has a summary`);
  }
});

test('a route mounted outside the route table is caught as undocumented', async (t) => {
  const { auth, document } = await documentOf(t);
  // What a route added straight to a Koa router, without its definition, would look like.
  const stray = new Router<RequestState>();
  stray.get('/api/stray/:id', (ctx) => {
    ctx.body = {};
  });
  auth.host.host.app.use(stray.routes());
  t.deepEqual(compare(servedRoutes(auth.host.host.app), document).undocumented, ['GET /api/stray/{id}']);
});

test('request bodies and queries come from the schemas that validate them', async (t) => {
  const { document } = await documentOf(t);
  const redeploy = document.paths['/api/hooks/redeploy']?.['post'];
  t.deepEqual(redeploy?.security, [{ apiKey: [] }, { session: [] }]);
  const body = redeploy?.requestBody?.content['application/json']?.schema as { properties: Record<string, { anyOf?: Array<{ maxLength?: number }> }> };
  t.deepEqual(Object.keys(body.properties), ['stackName', 'productId', 'stackDefinitionName', 'variables', 'environmentId', 'reason', 'commit', 'pipelineUrl']);
  t.is(body.properties['reason']?.anyOf?.[0]?.maxLength, 500);
  t.is(body.properties['commit']?.anyOf?.[0]?.maxLength, 100);
  t.is(body.properties['pipelineUrl']?.anyOf?.[0]?.maxLength, 2048);
  const deploy = document.paths['/api/deployments']?.['post']?.requestBody?.content['application/json']?.schema as { required: string[] };
  t.deepEqual(deploy.required, ['environmentId', 'stackName', 'productId']);
  const audit = document.paths['/api/audit']?.['get'];
  t.deepEqual(audit?.security, [{ session: [] }]);
  t.deepEqual(audit?.parameters?.map((p) => [p['name'], p['in'], p['required']]), [['page', 'query', false], ['pageSize', 'query', false]]);
  t.deepEqual(document.paths['/api/deployments/{id}']?.['get']?.parameters?.map((p) => [p['name'], p['in'], p['required']]), [['id', 'path', true]]);
  t.deepEqual(document.paths['/healthz']?.['get']?.security, []);
});

test('the rendered view is served by the host itself: its page, scripts and styles, nothing from elsewhere', async (t) => {
  const { host } = await useAuthHost(t, 'sqlite');
  const page = await host.request('GET', '/api/docs');
  t.is(page.status, 200);
  t.regex(page.headers.get('content-type') ?? '', /^text\/html/);
  const sources = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '');
  t.deepEqual(sources, ['/api/docs/swagger-ui.css', '/api/docs/swagger-ui-bundle.js', '/api/docs/init.js']);
  t.regex(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
  for (const source of sources) {
    const asset = await host.request('GET', source);
    t.is(asset.status, 200, source);
    t.true(asset.text.length > 0, source);
  }
  t.regex((await host.request('GET', '/api/docs/init.js')).text, /\/api\/openapi\.json/);
  const missing = await host.request('GET', '/api/docs/..%2Fpackage.json');
  t.is(missing.status, 404);
  t.like(missing.body, { success: false, code: 'NOT_FOUND' });
});

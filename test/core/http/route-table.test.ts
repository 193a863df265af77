import test, { type ExecutionContext } from 'ava';
import Koa from 'koa';
import type { AddressInfo } from 'node:net';
import { createHostHooks } from '../../../core/hooks/host-hooks.js';
import type { RequestState } from '../../../core/http/request-state.js';
import { defineRoute, mountRoutes } from '../../../core/http/route-table.js';

/** An app serving three areas through `mountRoutes`; what the table does not serve answers 'fell through'. */
async function tableApp(t: ExecutionContext) {
  const answering = (method: 'get' | 'post', path: string) =>
    defineRoute({
      method,
      path,
      tag: 'Test',
      summary: path,
      auth: { kind: 'none' },
      answers: { 200: 'The route' },
      handle: (ctx) => {
        ctx.body = { route: `${method.toUpperCase()} ${path}`, params: ctx.params };
      },
    });
  const table = mountRoutes(
    [answering('post', '/api/hooks/redeploy'), answering('get', '/api/things/:id'), answering('get', '/api/openapi.json'), answering('get', '/metrics')],
    createHostHooks(),
  );
  const app = new Koa<RequestState>();
  app.use(table);
  app.use((ctx) => {
    ctx.status = 404;
    ctx.body = { route: 'fell through' };
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((done) => server.once('listening', () => done()));
  t.teardown(() => new Promise<void>((done) => server.close(() => done())));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return async (method: string, path: string) => {
    const res = await fetch(base + path, { method });
    return { status: res.status, allow: res.headers.get('allow'), body: res.status === 405 ? null : ((await res.json()) as Record<string, unknown>) };
  };
}

test('a request reaches its route through its area, in any letter case and with one trailing slash', async (t) => {
  const call = await tableApp(t);
  t.like(await call('POST', '/api/hooks/redeploy'), { status: 200, body: { route: 'POST /api/hooks/redeploy' } });
  t.like(await call('POST', '/API/Hooks/Redeploy/'), { status: 200, body: { route: 'POST /api/hooks/redeploy' } });
  t.like(await call('GET', '/api/things/42'), { status: 200, body: { route: 'GET /api/things/:id', params: { id: '42' } } });
  t.like(await call('GET', '/api/openapi.json'), { status: 200, body: { route: 'GET /api/openapi.json' } });
  t.like(await call('GET', '/Metrics/'), { status: 200, body: { route: 'GET /metrics' } });
});

test('another method on a served path is 405 naming the allowed one; paths the table does not serve pass on', async (t) => {
  const call = await tableApp(t);
  t.like(await call('GET', '/api/hooks/redeploy'), { status: 405, allow: 'POST' });
  for (const path of ['/api/hooks/unknown', '/api/hooks', '/api/unknown/redeploy', '/api', '/', '//api/hooks/redeploy', '/metricsx']) {
    t.like(await call('POST', path), { status: 404, body: { route: 'fell through' } }, path);
  }
});

test('a route whose area is a parameter is refused when the table is built', (t) => {
  const route = defineRoute({ method: 'get', path: '/api/:area/x', tag: 'Test', summary: 'x', auth: { kind: 'none' }, answers: { 200: 'x' }, handle: () => undefined });
  t.throws(() => mountRoutes([route], createHostHooks()), { message: /must be fixed text/ });
});

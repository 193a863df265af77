/**
 * Benchmark child: the baseline. A bare Koa app (router only, no other middleware) answering
 * the hook's path with the host's exact status and JSON body.
 */
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import Router from '@koa/router';
import Koa from 'koa';
import { runBenchChild } from './bench-child.js';

export interface BareKoaReport {
  readonly url: string;
}

runBenchChild<BareKoaReport>(async () => {
  const { values } = parseArgs({ options: { path: { type: 'string' }, status: { type: 'string' }, body: { type: 'string' } } });
  const answer = JSON.parse(values.body ?? '{}') as unknown;
  const router = new Router();
  router.post(values.path ?? '/', (ctx) => {
    ctx.status = Number(values.status ?? 200);
    ctx.body = answer;
  });
  const app = new Koa();
  app.use(router.routes());
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((done) => server.once('listening', () => done()));
  const { port } = server.address() as AddressInfo;
  return {
    report: { url: `http://127.0.0.1:${port}` },
    stop: () => new Promise<void>((done) => server.close(() => done())),
  };
});

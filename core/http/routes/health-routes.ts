import Router from '@koa/router';
import { UnavailableError } from '../../errors.js';
import type { Store } from '../../store/open-store.js';
import type { RequestState } from '../request-state.js';

/** `GET /healthz`: 200 when the process and the database answer (no authentication). */
export function healthRoutes(store: Store): Router<RequestState> {
  const router = new Router<RequestState>();
  router.get('/healthz', async (ctx) => {
    try {
      await store.raw('select 1');
    } catch (err) {
      throw new UnavailableError('The database does not answer.', { code: 'DATABASE_UNAVAILABLE', cause: err });
    }
    ctx.body = { success: true, status: 'ok' };
  });
  return router;
}

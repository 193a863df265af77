import { UnavailableError } from '../../errors.js';
import type { Store } from '../../store/open-store.js';
import { defineRoute, type RouteDefinition } from '../route-table.js';

/** `GET /healthz`: 200 when the process and the database answer (no authentication). */
export function healthRoutes(store: Store): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get', path: '/healthz', tag: 'Health', auth: { kind: 'none' },
      summary: 'Whether the host and its database answer.',
      answers: { 200: '`{success:true, status:"ok"}`', 503: 'The database does not answer.' },
      async handle(ctx) {
        try {
          await store.raw('select 1');
        } catch (err) {
          throw new UnavailableError('The database does not answer.', { code: 'DATABASE_UNAVAILABLE', cause: err });
        }
        ctx.body = { success: true, status: 'ok' };
      },
    }),
  ];
}

import Router from '@koa/router';
import type { AuditRecorder } from '../../audit/audit-event.js';
import { requestAuditFields } from '../request-audit-fields.js';
import type { HostHooks } from '../../hooks/host-hooks.js';
import { requireUser } from '../authorize.js';
import { toHostError } from '../../to-host-error.js';
import type { RequestState } from '../request-state.js';
import { productView, type ProductView } from '../../catalog/catalog-product-view.js';
import type { CatalogService } from '../../catalog/catalog-service.js';
import { syncSourcesResult } from '../../catalog/sync-sources-result.js';

/**
 * `GET /api/catalog` (the current catalog; it answers at once, also while a sync runs) and
 * `POST /api/catalog/sync` (the administrators' twin of the sync-sources hook): signed-in users only.
 */
export function catalogRoutes(hooks: HostHooks, catalog: CatalogService, audit: AuditRecorder): Router<RequestState> {
  const router = new Router<RequestState>();
  const signedIn = requireUser(hooks);
  router.get('/api/catalog', signedIn, (ctx) => {
    const products = catalog.groups().map(productView).filter((view): view is ProductView => view !== null);
    ctx.body = { products };
  });
  router.post('/api/catalog/sync', signedIn, async (ctx) => {
    const started = performance.now();
    const record = (status: number, code: string | null, message: string | null) =>
      audit.record({
        ...requestAuditFields(ctx),
        action: 'catalog.synced',
        outcome: status < 400 ? 'success' : 'failure',
        status,
        durationMs: performance.now() - started,
        code,
        message,
      });
    try {
      ctx.body = { success: true, ...syncSourcesResult(await catalog.sync(ctx.state.requestId, ctx.state.principal ?? null)) };
    } catch (thrown) {
      const err = toHostError(thrown);
      await record(err.status, err.code, err.expose ? err.message : null);
      throw err;
    }
    await record(200, null, null);
  });
  return router;
}

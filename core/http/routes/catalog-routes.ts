import type { AuditRecorder } from '../../audit/audit-event.js';
import { requestAuditFields } from '../request-audit-fields.js';
import { toHostError } from '../../to-host-error.js';
import { defineRoute, type RouteDefinition } from '../route-table.js';
import { productView, type ProductView } from '../../catalog/catalog-product-view.js';
import type { CatalogService } from '../../catalog/catalog-service.js';
import { syncSourcesResult } from '../../catalog/sync-sources-result.js';

/**
 * `GET /api/catalog` (the current catalog; it answers at once, also while a sync runs, unless
 * another host synced since this one last read its sources) and
 * `POST /api/catalog/sync` (the administrators' twin of the sync-sources hook): signed-in users only.
 */
export function catalogRoutes(catalog: CatalogService, audit: AuditRecorder): RouteDefinition[] {
  const tag = 'Catalog';
  return [
    defineRoute({
      method: 'get', path: '/api/catalog', tag, auth: { kind: 'user' },
      summary: 'The products and stacks of the catalog.',
      answers: { 200: '`{products}`' },
      async handle(ctx) {
        // Another host's sync counts at once, here as for a deploy.
        await catalog.upToDate();
        const products = catalog.groups().map(productView).filter((view): view is ProductView => view !== null);
        ctx.body = { products };
      },
    }),
    defineRoute({
      method: 'post', path: '/api/catalog/sync', tag, auth: { kind: 'user' },
      summary: 'Syncs every catalog source now.',
      answers: { 200: '`{success, message, ...}` with each source\'s report' },
      async handle(ctx) {
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
      },
    }),
  ];
}

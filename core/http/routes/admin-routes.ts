import Router from '@koa/router';
import type { AuditRecorder } from '../../audit/audit-event.js';
import type { HostHooks } from '../../hooks/host-hooks.js';
import type { ReloadSummary } from '../../plugin-host/plugin-reload.js';
import { toHostError } from '../../to-host-error.js';
import { requireUser } from '../authorize.js';
import { requestAuditFields } from '../request-audit-fields.js';
import type { RequestState } from '../request-state.js';

export interface AdminRouteOptions {
  readonly hooks: HostHooks;
  /** Re-reads the config file and replaces the plugin set (`Host.reload`). */
  readonly reload: () => Promise<ReloadSummary>;
  readonly audit: AuditRecorder;
}

/**
 * `POST /api/admin/reload` (signed-in users only): re-reads the config file like `SIGHUP`.
 * 200 with what changed; a config the host would not start with is a 400 with the same problems.
 */
export function adminRoutes({ hooks, reload, audit }: AdminRouteOptions): Router<RequestState> {
  const router = new Router<RequestState>();
  router.post('/api/admin/reload', requireUser(hooks), async (ctx) => {
    let summary: ReloadSummary;
    try {
      summary = await reload();
    } catch (thrown) {
      const err = toHostError(thrown);
      await audit.record({ ...requestAuditFields(ctx), action: 'config.reloaded', outcome: 'failure', status: err.status, code: err.code, message: err.expose ? err.message : null });
      throw err;
    }
    await audit.record({ ...requestAuditFields(ctx), action: 'config.reloaded', outcome: 'success', status: 200, message: summary.message });
    ctx.body = { success: true, ...summary };
  });
  return router;
}

import type { AuditRecorder } from '../../audit/audit-event.js';
import type { ReloadSummary } from '../../plugin-host/plugin-reload.js';
import { toHostError } from '../../to-host-error.js';
import { requestAuditFields } from '../request-audit-fields.js';
import { defineRoute, type RouteDefinition } from '../route-table.js';

export interface AdminRouteOptions {
  /** Re-reads the config file and replaces the plugin set (`Host.reload`). */
  readonly reload: () => Promise<ReloadSummary>;
  readonly audit: AuditRecorder;
}

/**
 * `POST /api/admin/reload` (signed-in users only): re-reads the config file like `SIGHUP`.
 * 200 with what changed; a config the host would not start with is a 400 with the same problems.
 */
export function adminRoutes({ reload, audit }: AdminRouteOptions): RouteDefinition[] {
  return [
    defineRoute({
      method: 'post', path: '/api/admin/reload', tag: 'Administration', auth: { kind: 'user' },
      summary: 'Re-reads the config file and replaces the plugin set, like SIGHUP.',
      answers: { 200: '`{success, message, ...}` with what changed', 400: 'The config would not start a host; nothing changed.' },
      async handle(ctx) {
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
      },
    }),
  ];
}

import Router from '@koa/router';
import type { HostHooks } from '../../hooks/host-hooks.js';
import { requireUser } from '../authorize.js';
import { queryInteger } from '../query-integer.js';
import type { RequestState } from '../request-state.js';
import type { AuditLog } from '../../audit/audit-log.js';

/** Largest page `GET /api/audit` serves. */
export const MAX_AUDIT_PAGE_SIZE = 200;
const DEFAULT_AUDIT_PAGE_SIZE = 50;

/** `GET /api/audit?page=&pageSize=`: the audit trail, newest first (signed-in users only). */
export function auditRoutes(hooks: HostHooks, audit: AuditLog): Router<RequestState> {
  const router = new Router<RequestState>();
  router.get('/api/audit', requireUser(hooks), async (ctx) => {
    const page = queryInteger(ctx.query['page'], 'page', { fallback: 1, min: 1 });
    const pageSize = queryInteger(ctx.query['pageSize'], 'pageSize', { fallback: DEFAULT_AUDIT_PAGE_SIZE, min: 1, max: MAX_AUDIT_PAGE_SIZE });
    ctx.body = await audit.list(page, pageSize);
  });
  return router;
}

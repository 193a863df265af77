import Router from '@koa/router';
import { InputError } from '../errors.js';
import type { HostHooks } from '../hooks/host-hooks.js';
import { requireUser } from '../http/authorize.js';
import type { RequestState } from '../http/request-state.js';
import type { AuditLog } from './audit-log.js';

/** Largest page `GET /api/audit` serves. */
export const MAX_AUDIT_PAGE_SIZE = 200;
const DEFAULT_AUDIT_PAGE_SIZE = 50;

/** A positive integer query parameter, or the default when absent. */
function queryInteger(value: string | string[] | undefined, name: string, fallback: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const parsed = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(parsed) || parsed < 1 || parsed > max) {
    throw new InputError(`Query parameter '${name}' must be an integer from 1 to ${max}.`);
  }
  return parsed;
}

/** `GET /api/audit?page=&pageSize=`: the audit trail, newest first (signed-in users only). */
export function auditRoutes(hooks: HostHooks, audit: AuditLog): Router<RequestState> {
  const router = new Router<RequestState>();
  router.get('/api/audit', requireUser(hooks), async (ctx) => {
    const page = queryInteger(ctx.query['page'], 'page', 1, Number.MAX_SAFE_INTEGER);
    const pageSize = queryInteger(ctx.query['pageSize'], 'pageSize', DEFAULT_AUDIT_PAGE_SIZE, MAX_AUDIT_PAGE_SIZE);
    ctx.body = await audit.list(page, pageSize);
  });
  return router;
}

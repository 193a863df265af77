import { z } from 'zod';
import { queryWholeNumber } from '../../request-schema.js';
import { defineRoute, type RouteDefinition } from '../route-table.js';
import type { AuditLog } from '../../audit/audit-log.js';

/** Largest page `GET /api/audit` serves. */
export const MAX_AUDIT_PAGE_SIZE = 200;
const DEFAULT_AUDIT_PAGE_SIZE = 50;

const pageQuery = z.object({
  page: queryWholeNumber('page', { fallback: 1, min: 1 }),
  pageSize: queryWholeNumber('pageSize', { fallback: DEFAULT_AUDIT_PAGE_SIZE, min: 1, max: MAX_AUDIT_PAGE_SIZE }),
});

/** `GET /api/audit?page=&pageSize=`: the audit trail, newest first (signed-in users only). */
export function auditRoutes(audit: AuditLog): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get', path: '/api/audit', tag: 'Audit', auth: { kind: 'user' }, query: pageQuery,
      summary: 'The audit trail, newest first, with the intent of deploying requests.',
      answers: { 200: '`{events, page, pageSize, total}`' },
      async handle(ctx, input) {
        const { page, pageSize } = input.query();
        ctx.body = await audit.list(page, pageSize);
      },
    }),
  ];
}

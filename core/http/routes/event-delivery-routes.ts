import { z } from 'zod';
import type { AuditRecorder } from '../../audit/audit-event.js';
import { deliveryStatuses, type DeliveryStatus } from '../../plugin-host/delivery-store.js';
import type { EventDeliveries } from '../../plugin-host/event-deliveries.js';
import { queryWholeNumber } from '../../request-schema.js';
import { requestAuditFields } from '../request-audit-fields.js';
import { defineRoute, type RouteDefinition } from '../route-table.js';

/** Largest page `GET /api/event-deliveries` serves. */
export const MAX_DELIVERY_PAGE_SIZE = 200;
const DEFAULT_DELIVERY_PAGE_SIZE = 50;

const statusMessage = `Query parameter 'status' must be one of ${deliveryStatuses.join(', ')}.`;

const deliveriesQuery = z.object({
  page: queryWholeNumber('page', { fallback: 1, min: 1 }),
  pageSize: queryWholeNumber('pageSize', { fallback: DEFAULT_DELIVERY_PAGE_SIZE, min: 1, max: MAX_DELIVERY_PAGE_SIZE }),
  status: z
    .string({ error: statusMessage })
    .optional()
    // Any letter case; absent or empty: every status.
    .transform((value): DeliveryStatus | null | undefined =>
      value === undefined || value === '' ? null : deliveryStatuses.find((status) => status.toLowerCase() === value.toLowerCase()),
    )
    .refine((value) => value !== undefined, statusMessage)
    .meta({ description: `Only deliveries of this status: ${deliveryStatuses.join(', ')}.` }),
});

/**
 * `GET /api/event-deliveries?page=&pageSize=&status=` (every event a plugin delivers outward,
 * newest first, with its attempts) and `POST /api/event-deliveries/test` (a test event to every
 * configured target): signed-in users only.
 */
export function eventDeliveryRoutes(deliveries: EventDeliveries, audit: AuditRecorder): RouteDefinition[] {
  const tag = 'Events';
  return [
    defineRoute({
      method: 'get', path: '/api/event-deliveries', tag, auth: { kind: 'user' }, query: deliveriesQuery,
      summary: 'Outbound event deliveries, newest first, with every attempt.',
      answers: { 200: '`{deliveries, page, pageSize, total}`' },
      async handle(ctx, input) {
        const { page, pageSize, status } = input.query();
        ctx.body = await deliveries.list(page, pageSize, status ?? null);
      },
    }),
    defineRoute({
      method: 'post', path: '/api/event-deliveries/test', tag, auth: { kind: 'user' },
      summary: 'Queues a test event for every configured target.',
      answers: { 202: '`{success, message, deliveries}`', 409: 'No event target is configured.' },
      async handle(ctx) {
        const queued = await deliveries.sendTest();
        const message = `Test event queued for ${queued.length} target(s).`;
        await audit.record({ ...requestAuditFields(ctx), action: 'events.tested', outcome: 'success', status: 202, code: null, message });
        ctx.status = 202;
        ctx.body = { success: true, message, deliveries: queued };
      },
    }),
  ];
}

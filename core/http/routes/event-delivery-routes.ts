import Router from '@koa/router';
import type { AuditRecorder } from '../../audit/audit-event.js';
import { InputError } from '../../errors.js';
import type { HostHooks } from '../../hooks/host-hooks.js';
import { deliveryStatuses, type DeliveryStatus } from '../../plugin-host/delivery-store.js';
import type { EventDeliveries } from '../../plugin-host/event-deliveries.js';
import { requireUser } from '../authorize.js';
import { queryInteger } from '../query-integer.js';
import { requestAuditFields } from '../request-audit-fields.js';
import type { RequestState } from '../request-state.js';

/** Largest page `GET /api/event-deliveries` serves. */
export const MAX_DELIVERY_PAGE_SIZE = 200;
const DEFAULT_DELIVERY_PAGE_SIZE = 50;

function statusFilter(value: string | string[] | undefined): DeliveryStatus | null {
  if (value === undefined || value === '') return null;
  const found = deliveryStatuses.find((status) => typeof value === 'string' && status.toLowerCase() === value.toLowerCase());
  if (found === undefined) throw new InputError(`Query parameter 'status' must be one of ${deliveryStatuses.join(', ')}.`);
  return found;
}

/**
 * `GET /api/event-deliveries?page=&pageSize=&status=` (every event a plugin delivers outward,
 * newest first, with its attempts) and `POST /api/event-deliveries/test` (a test event to every
 * configured target): signed-in users only.
 */
export function eventDeliveryRoutes(hooks: HostHooks, deliveries: EventDeliveries, audit: AuditRecorder): Router<RequestState> {
  const router = new Router<RequestState>();
  const signedIn = requireUser(hooks);
  router.get('/api/event-deliveries', signedIn, async (ctx) => {
    const page = queryInteger(ctx.query['page'], 'page', { fallback: 1, min: 1 });
    const pageSize = queryInteger(ctx.query['pageSize'], 'pageSize', { fallback: DEFAULT_DELIVERY_PAGE_SIZE, min: 1, max: MAX_DELIVERY_PAGE_SIZE });
    ctx.body = await deliveries.list(page, pageSize, statusFilter(ctx.query['status']));
  });
  router.post('/api/event-deliveries/test', signedIn, async (ctx) => {
    const queued = await deliveries.sendTest();
    await audit.record({
      ...requestAuditFields(ctx),
      action: 'events.tested',
      outcome: 'success',
      status: 202,
      code: null,
      message: `Test event queued for ${queued.length} target(s).`,
    });
    ctx.status = 202;
    ctx.body = { success: true, message: `Test event queued for ${queued.length} target(s).`, deliveries: queued };
  });
  return router;
}

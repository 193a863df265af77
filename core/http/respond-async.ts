import { z } from 'zod';
import type { AppContext } from './request-state.js';

/** A query's `?wait=false`: asks not to wait, as `Prefer: respond-async` does. */
export const asyncQuery = z.object({
  wait: z.enum(['true', 'false'], { error: "wait must be 'true' or 'false'." }).optional().meta({ description: '`false`: answer 202 at once, as `Prefer: respond-async` asks.' }),
});

/** How route tables describe the 202 of {@link acceptOperation}. */
export const ACCEPTED_ANSWER = 'Accepted (`Prefer: respond-async` or `?wait=false`): `{success, message, operationId, statusUrl, eventsUrl}`; `Location` is `statusUrl`.';

/** Whether the caller asked not to wait: `Prefer: respond-async` (RFC 7240) or `?wait=false`. */
export function wantsAsync(ctx: AppContext, wait: 'true' | 'false' | undefined): boolean {
  if (wait === 'false') return true;
  const prefer = ctx.get('Prefer');
  return prefer !== '' && prefer.split(',').some((preference) => preference.split(';')[0]?.trim().toLowerCase() === 'respond-async');
}

/** 202: the operation runs on; the caller follows it at `statusUrl` and `eventsUrl`. */
export function acceptOperation(ctx: AppContext, kind: string, operationId: string): void {
  const statusUrl = `/api/operations/${operationId}`;
  ctx.status = 202;
  ctx.set('Location', statusUrl);
  ctx.set('Preference-Applied', 'respond-async');
  ctx.body = { success: true, message: `Accepted ${kind} as operation ${operationId}.`, operationId, statusUrl, eventsUrl: `${statusUrl}/events` };
}

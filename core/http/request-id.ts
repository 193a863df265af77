import { randomUUID } from 'node:crypto';
import type { AppContext } from './request-state.js';

const acceptable = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Gives the request its id: the caller's `X-Request-Id` when it is sane, else a new UUID, and
 * answers with it. The id is passed on explicitly (to hooks, to deployments) rather than
 * tracked as async context: on Node 20 that tracking slows every promise in the process.
 */
export function assignRequestId(ctx: AppContext): void {
  const given = ctx.get('x-request-id');
  ctx.state.requestId = given !== '' && acceptable.test(given) ? given : randomUUID();
  ctx.set('X-Request-Id', ctx.state.requestId);
}

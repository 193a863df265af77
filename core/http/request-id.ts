import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { RequestState } from './request-state.js';

const acceptable = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Gives every request an id: the caller's `X-Request-Id` when it is sane, else a new UUID.
 * It is passed on explicitly (to hooks, to deployments) rather than tracked as async context:
 * on Node 20 that tracking slows every promise in the process.
 */
export function requestId(): Middleware<RequestState> {
  return async (ctx, next) => {
    const given = ctx.get('x-request-id');
    ctx.state.requestId = acceptable.test(given) ? given : randomUUID();
    ctx.set('X-Request-Id', ctx.state.requestId);
    await next();
  };
}

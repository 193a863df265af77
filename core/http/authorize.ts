import type { Middleware } from 'koa';
import type { Principal } from '../hooks/principal.js';
import { AuthenticationError, ForbiddenError } from '../errors.js';
import type { HostHooks } from '../hooks/host-hooks.js';
import { readBody } from './body-limit.js';
import type { AppContext, RequestState } from './request-state.js';

/** The one answer for every failed authentication: it never says which check failed. */
export const INVALID_CREDENTIALS_MESSAGE = 'Invalid or missing API key.';

/** Runs the `authenticate` hook once per request and remembers the principal on `ctx.state`. */
export async function principalOf(ctx: AppContext, hooks: HostHooks): Promise<Principal | null> {
  if (ctx.state.principal === undefined) {
    const headers: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(ctx.headers)) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    ctx.state.principal = (await hooks.authenticate.promise({ method: ctx.method, path: ctx.path, ip: ctx.ip, headers, requestId: ctx.state.requestId })) ?? null;
  }
  return ctx.state.principal;
}

/** Guards a webhook: an authenticated principal that holds `permission`; only then is the body read. */
export function requirePermission(hooks: HostHooks, permission: string): Middleware<RequestState> {
  return async (ctx, next) => {
    const principal = await principalOf(ctx, hooks);
    if (!principal) throw new AuthenticationError(INVALID_CREDENTIALS_MESSAGE);
    if (principal.kind !== 'user' && !principal.permissions.includes(permission)) {
      throw new ForbiddenError(`Permission '${permission}' required.`);
    }
    await readBody(ctx);
    await next();
  };
}

/** Guards the management API: signed-in users only; API keys are refused whatever they hold. Only then is the body read. */
export function requireUser(hooks: HostHooks): Middleware<RequestState> {
  return async (ctx, next) => {
    const principal = await principalOf(ctx, hooks);
    if (!principal) throw new AuthenticationError('Sign-in required.', { code: 'AUTH_REQUIRED' });
    if (principal.kind !== 'user') throw new ForbiddenError('API keys cannot call the management API.');
    await readBody(ctx);
    await next();
  };
}

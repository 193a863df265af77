import type { Middleware } from 'koa';
import type { AuthRequest, Principal } from '../hooks/principal.js';
import { AuthenticationError, ForbiddenError } from '../errors.js';
import type { HostHooks } from '../hooks/host-hooks.js';
import { readBody } from './body-limit.js';
import type { AppContext, RequestState } from './request-state.js';

/** The one answer for every failed authentication: it never says which check failed. */
export const INVALID_CREDENTIALS_MESSAGE = 'Invalid or missing API key.';

/**
 * The request's headers as an `authenticate` tap sees them: one string each. Node already joins
 * repeated headers into one value, all but `set-cookie`, which no request should carry; the
 * headers are copied only when that one is there.
 */
function authHeaders(headers: AppContext['headers']): AuthRequest['headers'] {
  if (headers['set-cookie'] === undefined) return headers as AuthRequest['headers'];
  const joined: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) joined[name] = Array.isArray(value) ? value.join(', ') : value;
  return joined;
}

/** Runs the `authenticate` hook once per request and remembers the principal on `ctx.state`. */
export async function principalOf(ctx: AppContext, hooks: HostHooks): Promise<Principal | null> {
  if (ctx.state.principal === undefined) {
    ctx.state.principal =
      (await hooks.authenticate.promise({ method: ctx.method, path: ctx.path, ip: ctx.ip, headers: authHeaders(ctx.headers), requestId: ctx.state.requestId })) ?? null;
  }
  return ctx.state.principal;
}

/**
 * The caller of a webhook, as the app's authentication found it (see `createApp`): an
 * authenticated principal that holds `permission`.
 * @throws AuthenticationError (401) without a principal, ForbiddenError (403) naming the missing permission.
 */
export function permittedPrincipal(ctx: AppContext, permission: string): Principal {
  const principal = ctx.state.principal;
  if (!principal) throw new AuthenticationError(INVALID_CREDENTIALS_MESSAGE);
  if (principal.kind !== 'user' && !principal.permissions.includes(permission)) {
    throw new ForbiddenError(`Permission '${permission}' required.`);
  }
  return principal;
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

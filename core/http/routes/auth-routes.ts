import Router from '@koa/router';
import type { AuditRecorder } from '../../audit/audit-event.js';
import { AuthenticationError, InputError } from '../../errors.js';
import type { HostHooks } from '../../hooks/host-hooks.js';
import { principalIdentity } from '../../hooks/principal.js';
import { requireUser } from '../authorize.js';
import { readBody } from '../body-limit.js';
import { jsonObject } from '../../json-body.js';
import type { AppContext, RequestState } from '../request-state.js';
import type { FailureBrake } from '../../auth/failure-brake.js';
import { bearerToken } from '../../auth/session-authenticator.js';
import type { SessionTokens } from '../../auth/session-tokens.js';
import { MIN_ADMIN_PASSWORD_LENGTH, type UserService } from '../../auth/user-service.js';

export interface AuthRoutesOptions {
  readonly hooks: HostHooks;
  readonly users: UserService;
  readonly tokens: SessionTokens;
  readonly audit: AuditRecorder;
  /** Slows password guessing per client address and per user name. */
  readonly brake: FailureBrake;
}

const LOGIN_FAILED_MESSAGE = 'Invalid username or password.';

/** What the brake counts a password attempt against: the address it comes from and the user it tries. */
const brakeClients = (ctx: AppContext, username: string) => [`address:${ctx.ip}`, `user:${username.toLowerCase()}`];

/** A string field that must be present and non-empty; taken as typed (trimming would accept a different secret). */
function requiredSecret(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

/**
 * `POST /api/auth/login` `{username, password}` → `{success, token, expiresAt}`;
 * `POST /api/auth/logout` ends the caller's session; `POST /api/auth/password`
 * `{currentPassword, newPassword}` changes the caller's password and ends their other sessions.
 */
export function authRoutes({ hooks, users, tokens, audit, brake }: AuthRoutesOptions): Router<RequestState> {
  const router = new Router<RequestState>();
  const signedIn = requireUser(hooks);
  const where = (ctx: AppContext) => ({ clientIp: ctx.ip, endpoint: `${ctx.method} ${ctx.path}` });

  router.post('/api/auth/login', async (ctx) => {
    await readBody(ctx);
    const { username, password } = jsonObject(ctx.request.body);
    if (typeof username !== 'string' || username.trim() === '' || !requiredSecret(password)) {
      throw new InputError('username and password are required.');
    }
    // Counted before the hash is computed, so a parallel burst is braked like a sequential one.
    const attempt = await brake.begin(brakeClients(ctx, username.trim()));
    const { user, passwordMatches } = await users.signIn(username.trim(), password).catch((err: unknown) => {
      attempt.release();
      throw err;
    });
    const actor = user && { kind: 'user' as const, id: user.id, name: user.username };
    if (!user || !passwordMatches) {
      attempt.failed();
      // Only a name that exists is recorded: a mistyped password in the name field must not be.
      await audit.record({ ...where(ctx), action: 'auth.login', outcome: 'denied', status: 401, actor, code: 'LOGIN_FAILED', message: user ? 'wrong password' : 'unknown user' });
      throw new AuthenticationError(LOGIN_FAILED_MESSAGE, { code: 'LOGIN_FAILED' });
    }
    attempt.release();
    const issued = await tokens.issue(user);
    await audit.record({ ...where(ctx), action: 'auth.login', outcome: 'success', status: 200, actor });
    ctx.body = { success: true, token: issued.token, expiresAt: issued.expiresAt };
  });

  router.post('/api/auth/logout', signedIn, async (ctx) => {
    const session = await sessionOf(ctx, tokens);
    // A session of another sign-in method (a plugin's) is that method's to end.
    if (session) await tokens.end(session.sessionId);
    const principal = ctx.state.principal;
    await audit.record({ ...where(ctx), action: 'auth.logout', outcome: 'success', status: 200, actor: principal && principalIdentity(principal) });
    ctx.body = { success: true, message: 'Signed out.' };
  });

  router.post('/api/auth/password', signedIn, async (ctx) => {
    const { currentPassword, newPassword } = jsonObject(ctx.request.body);
    if (!requiredSecret(currentPassword) || !requiredSecret(newPassword)) throw new InputError('currentPassword and newPassword are required.');
    if (newPassword.length < MIN_ADMIN_PASSWORD_LENGTH) throw new InputError(`newPassword must be at least ${MIN_ADMIN_PASSWORD_LENGTH} characters.`);
    const session = await sessionOf(ctx, tokens);
    const user = session && (await users.findById(session.userId));
    if (!session || !user) throw new InputError('Only users who signed in with a password can change it here.', { code: 'PASSWORD_NOT_HERE' });
    const actor = { kind: 'user' as const, id: user.id, name: user.username };
    // The current password is a secret to guess like any other: the same brake holds.
    const attempt = await brake.begin(brakeClients(ctx, user.username));
    const matches = await users.hasPassword(user.id, currentPassword).catch((err: unknown) => {
      attempt.release();
      throw err;
    });
    if (!matches) {
      attempt.failed();
      await audit.record({ ...where(ctx), action: 'auth.password', outcome: 'denied', status: 401, actor, code: 'LOGIN_FAILED', message: 'wrong password' });
      throw new AuthenticationError('The current password is wrong.', { code: 'LOGIN_FAILED' });
    }
    attempt.release();
    await users.changePassword(user.id, newPassword, session.sessionId);
    await audit.record({ ...where(ctx), action: 'auth.password', outcome: 'success', status: 200, actor });
    ctx.body = { success: true, message: 'Password changed; your other sessions have ended.' };
  });
  return router;
}

/** The host's own session behind the request's bearer token, if that is how the caller signed in. */
const sessionOf = async (ctx: AppContext, tokens: SessionTokens) => {
  const token = bearerToken(ctx.get('authorization'));
  return token === undefined ? null : tokens.verify(token);
};

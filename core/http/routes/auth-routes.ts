import { z } from 'zod';
import type { AuditRecorder } from '../../audit/audit-event.js';
import { AuthenticationError, InputError } from '../../errors.js';
import { principalIdentity } from '../../hooks/principal.js';
import { readBody } from '../body-limit.js';
import type { AppContext } from '../request-state.js';
import { defineRoute, type RouteDefinition } from '../route-table.js';
import type { FailureBrake } from '../../auth/failure-brake.js';
import { bearerToken } from '../../auth/session-authenticator.js';
import type { SessionTokens } from '../../auth/session-tokens.js';
import { MIN_ADMIN_PASSWORD_LENGTH, type UserService } from '../../auth/user-service.js';

export interface AuthRoutesOptions {
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
const requiredSecret = (message: string) => z.string({ error: message }).min(1, message);

const LOGIN_REQUIRED = 'username and password are required.';
const loginBody = z.object({
  username: z.string({ error: LOGIN_REQUIRED }).refine((name) => name.trim() !== '', LOGIN_REQUIRED),
  password: requiredSecret(LOGIN_REQUIRED),
});

const PASSWORDS_REQUIRED = 'currentPassword and newPassword are required.';
const passwordBody = z.object({
  currentPassword: requiredSecret(PASSWORDS_REQUIRED),
  newPassword: requiredSecret(PASSWORDS_REQUIRED).min(MIN_ADMIN_PASSWORD_LENGTH, `newPassword must be at least ${MIN_ADMIN_PASSWORD_LENGTH} characters.`),
});

/**
 * `POST /api/auth/login` `{username, password}` → `{success, token, expiresAt}`;
 * `POST /api/auth/logout` ends the caller's session; `POST /api/auth/password`
 * `{currentPassword, newPassword}` changes the caller's password and ends their other sessions.
 */
export function authRoutes({ users, tokens, audit, brake }: AuthRoutesOptions): RouteDefinition[] {
  const where = (ctx: AppContext) => ({ clientIp: ctx.ip, endpoint: `${ctx.method} ${ctx.path}` });
  const tag = 'Sign-in';

  const login = defineRoute({
    method: 'post', path: '/api/auth/login', tag, auth: { kind: 'none' }, body: loginBody,
    summary: 'Signs in with a user name and password; answers a session token.',
    answers: { 200: '`{success, token, expiresAt}`', 400: LOGIN_REQUIRED, 401: LOGIN_FAILED_MESSAGE, 429: 'Too many failed attempts.' },
    async handle(ctx, input) {
      await readBody(ctx);
      const { username, password } = input.body();
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
    },
  });

  const logout = defineRoute({
    method: 'post', path: '/api/auth/logout', tag, auth: { kind: 'user' },
    summary: "Ends the caller's session at once.",
    answers: { 200: '`{success, message}`' },
    async handle(ctx) {
      const session = await sessionOf(ctx, tokens);
      // A session of another sign-in method (a plugin's) is that method's to end.
      if (session) await tokens.end(session.sessionId);
      const principal = ctx.state.principal;
      await audit.record({ ...where(ctx), action: 'auth.logout', outcome: 'success', status: 200, actor: principal && principalIdentity(principal) });
      ctx.body = { success: true, message: 'Signed out.' };
    },
  });

  const password = defineRoute({
    method: 'post', path: '/api/auth/password', tag, auth: { kind: 'user' }, body: passwordBody,
    summary: "Changes the caller's password and ends their other sessions.",
    answers: { 200: '`{success, message}`', 400: 'Bad input.', 401: 'The current password is wrong.', 429: 'Too many failed attempts.' },
    async handle(ctx, input) {
      const { currentPassword, newPassword } = input.body();
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
    },
  });
  return [login, logout, password];
}

/** The host's own session behind the request's bearer token, if that is how the caller signed in. */
const sessionOf = async (ctx: AppContext, tokens: SessionTokens) => {
  const token = bearerToken(ctx.get('authorization'));
  return token === undefined ? null : tokens.verify(token);
};

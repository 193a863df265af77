import Router from '@koa/router';
import type { AuditRecorder } from '../../audit/audit-event.js';
import { AuthenticationError, InputError } from '../../errors.js';
import { jsonObject } from '../../json-body.js';
import type { RequestState } from '../request-state.js';
import type { FailureBrake } from '../../auth/failure-brake.js';
import type { SessionTokens } from '../../auth/session-tokens.js';
import type { UserService } from '../../auth/user-service.js';

export interface AuthRoutesOptions {
  readonly users: UserService;
  readonly tokens: SessionTokens;
  readonly audit: AuditRecorder;
  /** Slows password guessing per client address. */
  readonly brake: FailureBrake;
}

const LOGIN_FAILED_MESSAGE = 'Invalid username or password.';

/** `POST /api/auth/login` `{username, password}` → `{success, token, expiresAt}`. */
export function authRoutes({ users, tokens, audit, brake }: AuthRoutesOptions): Router<RequestState> {
  const router = new Router<RequestState>();
  router.post('/api/auth/login', async (ctx) => {
    await brake.check(ctx.ip);
    const body = jsonObject(ctx.request.body);
    const { username, password } = body;
    // The password is taken as typed: trimming it would accept a different secret.
    if (typeof username !== 'string' || username.trim() === '' || typeof password !== 'string' || password === '') {
      throw new InputError('username and password are required.');
    }
    const { user, passwordMatches } = await users.signIn(username.trim(), password);
    const where = { clientIp: ctx.ip, endpoint: `${ctx.method} ${ctx.path}` };
    const actor = user && { kind: 'user' as const, id: user.id, name: user.username };
    if (!user || !passwordMatches) {
      brake.fail(ctx.ip);
      // Only a name that exists is recorded: a mistyped password in the name field must not be.
      await audit.record({ ...where, action: 'auth.login', outcome: 'denied', status: 401, actor, code: 'LOGIN_FAILED', message: user ? 'wrong password' : 'unknown user' });
      throw new AuthenticationError(LOGIN_FAILED_MESSAGE, { code: 'LOGIN_FAILED' });
    }
    const issued = await tokens.issue(user);
    await audit.record({ ...where, action: 'auth.login', outcome: 'success', status: 200, actor });
    ctx.body = { success: true, token: issued.token, expiresAt: issued.expiresAt };
  });
  return router;
}

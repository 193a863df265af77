import type { PluginHooks } from '../hooks/host-hooks.js';
import type { SessionTokens } from './session-tokens.js';
import type { UserService } from './user-service.js';

const bearer = /^Bearer\s+(\S+)$/i;

/** The token of an `Authorization: Bearer <token>` header, if that is what the header holds. */
export const bearerToken = (authorization: string | undefined): string | undefined => bearer.exec(authorization ?? '')?.[1];

/**
 * The core's own authenticator, tapped on `authenticate` like any plugin's: it recognises
 * `Authorization: Bearer <token>` signed by this host and answers a user principal. A token
 * it cannot verify (foreign, forged, expired, signed out, or its user gone) is "not mine": a later
 * authenticator (OIDC, LDAP...) may own it, and if none does the route answers the same 401
 * as for no credentials. A stale token therefore never blocks signing in again.
 */
export function tapSessionAuthenticator(hooks: PluginHooks, tokens: SessionTokens, users: UserService, permissions: readonly string[]): void {
  hooks.authenticate.tap(async (request) => {
    const token = bearerToken(request.headers['authorization']);
    if (token === undefined) return undefined;
    const session = await tokens.verify(token);
    const user = session === null ? null : await users.findById(session.userId);
    if (!user) return undefined;
    return { kind: 'user', id: user.id, name: user.username, permissions, environmentId: null };
  });
}

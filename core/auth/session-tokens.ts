import { randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import { MAX_SESSION_MINUTES } from '../config/config-schema.js';
import type { Store } from '../store/open-store.js';
import { storeUnavailable } from '../to-host-error.js';
import type { User } from './user-service.js';

const ISSUER = 'rsgo';
const AUDIENCE = 'rsgo-api';
const ALGORITHM = 'HS256';
/** How long after its end a session's record is deleted. */
const PRUNE_LATE_MS = 24 * 3600_000;

/** A signed session token and when it stops being accepted. */
export interface IssuedToken {
  readonly token: string;
  /** ISO-8601 UTC. */
  readonly expiresAt: string;
}

/** The session a valid token belongs to. */
export interface SessionRef {
  readonly sessionId: string;
  readonly userId: string;
}

interface SessionRow {
  id: string;
  user_id: string;
  created_at: string;
  expires_at: string;
}

/**
 * Signs and checks the host's session tokens (HS256 JWTs naming the user and the session). A
 * token is accepted only with an expiry no further than {@link MAX_SESSION_MINUTES} from its
 * issue, and only while its session is recorded in the store: signing out or a password change
 * deletes the record, which ends the session at once on every host sharing the database.
 */
export class SessionTokens {
  readonly #secret: Uint8Array;
  readonly #ttlSeconds: number;
  readonly #store: Store;
  readonly #now: () => number;

  constructor(secret: Uint8Array, ttlMinutes: number, store: Store, now: () => number = Date.now) {
    this.#secret = secret;
    this.#ttlSeconds = Math.round(ttlMinutes * 60);
    this.#store = store;
    this.#now = now;
  }

  async issue(user: User): Promise<IssuedToken> {
    const issuedAt = Math.floor(this.#now() / 1000);
    const expires = issuedAt + this.#ttlSeconds;
    const sessionId = randomUUID();
    const expiresAt = new Date(expires * 1000).toISOString();
    const now = new Date(issuedAt * 1000).toISOString();
    // Sessions that ran out are forgotten as new ones begin, so the table stays small; a day
    // late, since this host's clock decides: one running ahead of the others sharing the
    // database must not end their live sessions.
    await this.#store('sessions').where('expires_at', '<', new Date(issuedAt * 1000 - PRUNE_LATE_MS).toISOString()).delete();
    await this.#store('sessions').insert({ id: sessionId, user_id: user.id, created_at: now, expires_at: expiresAt } satisfies SessionRow);
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setSubject(user.id)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expires)
      .setJti(sessionId)
      .sign(this.#secret);
    return { token, expiresAt };
  }

  /** The session a valid token belongs to; `null` for anything else (foreign, forged, expired, ended). */
  async verify(token: string): Promise<SessionRef | null> {
    let claims: { sub?: unknown; jti?: unknown; iat?: unknown; exp?: unknown };
    try {
      ({ payload: claims } = await jwtVerify(token, this.#secret, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: [ALGORITHM],
        requiredClaims: ['exp', 'iat', 'jti', 'sub'],
        currentDate: new Date(this.#now()),
      }));
    } catch {
      return null;
    }
    const { sub, jti, iat, exp } = claims;
    if (typeof sub !== 'string' || typeof jti !== 'string' || typeof iat !== 'number' || typeof exp !== 'number') return null;
    // A token signed for longer than any session may last is refused, whoever signed it.
    if (exp - iat > MAX_SESSION_MINUTES * 60) return null;
    let row: SessionRow | undefined;
    try {
      row = await this.#store<SessionRow>('sessions').where({ id: jti }).first();
    } catch (err) {
      // Asked on every signed-in request: a database outage must read as 503, not as a crash.
      throw storeUnavailable(err) ?? err;
    }
    if (!row || row.user_id !== sub || Date.parse(row.expires_at) <= this.#now()) return null;
    return { sessionId: jti, userId: sub };
  }

  /** Ends one session (signing out); later requests with its token get 401. */
  async end(sessionId: string): Promise<void> {
    await this.#store('sessions').where({ id: sessionId }).delete();
  }
}

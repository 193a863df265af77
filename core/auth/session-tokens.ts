import { randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import type { User } from './user-service.js';

const ISSUER = 'rsgo';
const AUDIENCE = 'rsgo-api';
const ALGORITHM = 'HS256';

/** A signed session token and when it stops being accepted. */
export interface IssuedToken {
  readonly token: string;
  /** ISO-8601 UTC. */
  readonly expiresAt: string;
}

/** Signs and checks the host's session tokens (HS256 JWTs naming the user). */
export class SessionTokens {
  readonly #secret: Uint8Array;
  readonly #ttlSeconds: number;

  constructor(secret: Uint8Array, ttlMinutes: number) {
    this.#secret = secret;
    this.#ttlSeconds = Math.round(ttlMinutes * 60);
  }

  async issue(user: User): Promise<IssuedToken> {
    const expires = Math.floor(Date.now() / 1000) + this.#ttlSeconds;
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setSubject(user.id)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(expires)
      .setJti(randomUUID())
      .sign(this.#secret);
    return { token, expiresAt: new Date(expires * 1000).toISOString() };
  }

  /** The user id a valid token names; `null` for anything else (foreign, forged, expired). */
  async verify(token: string): Promise<string | null> {
    try {
      const { payload } = await jwtVerify(token, this.#secret, { issuer: ISSUER, audience: AUDIENCE, algorithms: [ALGORITHM] });
      return typeof payload.sub === 'string' ? payload.sub : null;
    } catch {
      return null;
    }
  }
}

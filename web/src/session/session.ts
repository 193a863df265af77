/** A signed-in user's session: the bearer token the host issued and until when it holds. */
export interface Session {
  readonly token: string;
  readonly expiresAt: string;
  readonly username: string;
}

// sessionStorage, not localStorage: the token lives as long as the tab, and no other tab sees it.
const STORAGE_KEY = 'rsgo.session';

const isLive = (session: Session, now: number) => Date.parse(session.expiresAt) > now;

/** The session this tab kept across a reload, if it has not expired. */
export function readStoredSession(now = Date.now()): Session | null {
  try {
    const value: unknown = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null');
    if (typeof value !== 'object' || value === null) return null;
    const { token, expiresAt, username } = value as Record<string, unknown>;
    if (typeof token !== 'string' || typeof expiresAt !== 'string' || typeof username !== 'string') return null;
    const session = { token, expiresAt, username };
    return isLive(session, now) ? session : null;
  } catch {
    // storage disabled or corrupt: sign in again
    return null;
  }
}

export function storeSession(session: Session): void {
  try {
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  } catch {
    // storage disabled: the session lives in memory only and ends with a reload
  }
}

export function forgetStoredSession(): void {
  try {
    sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // nothing was stored
  }
}

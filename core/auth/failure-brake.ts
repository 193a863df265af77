import { TooManyRequestsError } from '../errors.js';

/** When the brake engages and for how long. */
export interface BrakeLimits {
  /** Failures from one client within `windowSeconds` that lock it out. */
  readonly maxFailures: number;
  readonly windowSeconds: number;
  /** How long a locked-out client is refused. */
  readonly lockoutSeconds: number;
}

interface ClientRecord {
  failures: number;
  windowStart: number;
  lockedUntil: number;
}

/** Clients remembered at most; beyond that the stalest are forgotten (memory stays bounded). */
const MAX_TRACKED_CLIENTS = 10_000;

/**
 * How long a refusal of a locked-out client is held before it is answered. A client waits for
 * each answer on a connection, so a flood is slowed to one attempt per connection and delay
 * instead of costing the host a full request cycle for each of thousands per second.
 */
const REFUSAL_DELAY_MS = 1_000;

/**
 * A brute-force brake per client address: after `maxFailures` failed authentications within
 * `windowSeconds`, the client is refused with 429 and Retry-After for `lockoutSeconds`, before
 * its credentials are even looked at. Other clients are not affected. Successes do not reset
 * the count, so a client holding one valid key cannot use it to keep guessing others. Refusals
 * are answered after a short delay (tarpit), so a locked-out flood costs the host almost nothing.
 */
export class FailureBrake {
  readonly #limits: BrakeLimits;
  readonly #now: () => number;
  readonly #refusalDelayMs: number;
  readonly #clients = new Map<string, ClientRecord>();

  constructor(limits: BrakeLimits, now: () => number = Date.now, refusalDelayMs = REFUSAL_DELAY_MS) {
    this.#limits = limits;
    this.#now = now;
    this.#refusalDelayMs = refusalDelayMs;
  }

  /** Rejects with TooManyRequestsError, after the refusal delay, while `client` is locked out. */
  async check(client: string): Promise<void> {
    const record = this.#clients.get(client);
    const now = this.#now();
    if (record && record.lockedUntil > now) {
      const refusal = new TooManyRequestsError('Too many failed authentication attempts; try again later.', (record.lockedUntil - now) / 1000);
      await new Promise((done) => setTimeout(done, this.#refusalDelayMs));
      throw refusal;
    }
  }

  /** Counts one failure of `client`; returns true when this failure locked it out. */
  fail(client: string): boolean {
    const now = this.#now();
    const windowMs = this.#limits.windowSeconds * 1000;
    let record = this.#clients.get(client);
    if (!record || (now - record.windowStart > windowMs && record.lockedUntil <= now)) {
      record = { failures: 0, windowStart: now, lockedUntil: 0 };
    }
    // Re-inserting keeps the map in least-recently-failed order for eviction.
    this.#clients.delete(client);
    this.#clients.set(client, record);
    record.failures += 1;
    const locked = record.failures >= this.#limits.maxFailures;
    if (locked) {
      record.lockedUntil = now + this.#limits.lockoutSeconds * 1000;
      record.failures = 0;
      record.windowStart = now;
    }
    this.#evict(now);
    return locked;
  }

  #evict(now: number): void {
    if (this.#clients.size <= MAX_TRACKED_CLIENTS) return;
    const windowMs = this.#limits.windowSeconds * 1000;
    for (const [client, record] of this.#clients) {
      if (record.lockedUntil <= now && now - record.windowStart > windowMs) this.#clients.delete(client);
    }
    for (const client of this.#clients.keys()) {
      if (this.#clients.size <= MAX_TRACKED_CLIENTS) break;
      this.#clients.delete(client);
    }
  }
}

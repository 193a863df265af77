import { TooManyRequestsError } from '../errors.js';

/** When the brake engages and for how long. */
export interface BrakeLimits {
  /** Failures from one client within `windowSeconds` that lock it out. */
  readonly maxFailures: number;
  readonly windowSeconds: number;
  /** How long a locked-out client is refused. */
  readonly lockoutSeconds: number;
}

/** One attempt admitted by {@link FailureBrake.begin}: settle it once, when its verdict is known. */
export interface BrakeAttempt {
  /** The credentials were good (or could not be judged): the attempt stops counting. */
  release(): void;
  /** The credentials were bad: counts one failure for each client; true when that locked one out. */
  failed(): boolean;
}

interface ClientRecord {
  failures: number;
  /** Attempts admitted and not yet settled: they count against the limit until they are. */
  pending: number;
  /** Attempts waiting for one of those to settle; woken to look again. */
  waiting: Array<() => void>;
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

const REFUSAL_MESSAGE = 'Too many failed authentication attempts; try again later.';

/**
 * A brute-force brake per client (an address, a user name...): after `maxFailures` failed
 * authentications within `windowSeconds`, the client is refused with 429 and Retry-After for
 * `lockoutSeconds`, before its credentials are even looked at. Other clients are not affected.
 * Successes do not reset the count, so a client holding one valid key cannot use it to keep
 * guessing others. Refusals are answered after a short delay (tarpit), so a locked-out flood
 * costs the host almost nothing.
 *
 * An attempt counts from the moment it is admitted, before its credentials are checked: no
 * more than `maxFailures` less the failures so far are judged at once, however long the check
 * (a password hash) takes. Further attempts wait for those verdicts: if they lock the client
 * out, the waiting ones are refused; if they were good, the waiting ones go on. A parallel burst
 * of wrong credentials thus has exactly as many judged as a sequential one, and parallel right
 * ones are all served.
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

  /**
   * Admits one attempt on behalf of every client in `clients` (e.g. the address and the user
   * name it tries), or rejects with TooManyRequestsError, after the refusal delay, when one of
   * them is locked out. While a client has as many attempts being judged as it may still fail,
   * this waits for one of their verdicts first.
   */
  async begin(clients: readonly string[]): Promise<BrakeAttempt> {
    // Loops rather than array callbacks: every API call passes here.
    for (;;) {
      const now = this.#now();
      const records: ClientRecord[] = [];
      let locked = 0;
      let full: ClientRecord | undefined;
      for (const client of clients) {
        const record = this.#current(client, now);
        records.push(record);
        locked = Math.max(locked, record.lockedUntil - now);
        if (full === undefined && record.failures + record.pending >= this.#limits.maxFailures) full = record;
      }
      if (locked > 0) {
        await new Promise((done) => setTimeout(done, this.#refusalDelayMs));
        throw new TooManyRequestsError(REFUSAL_MESSAGE, locked / 1000);
      }
      if (full === undefined) {
        for (const record of records) record.pending += 1;
        return new Attempt(this.#settle, clients);
      }
      const waitFor = full;
      await new Promise<void>((done) => waitFor.waiting.push(done));
    }
  }

  /** Counts the verdict of an admitted attempt and wakes who waits; true when it locked a client out. */
  readonly #settle = (clients: readonly string[], failed: boolean): boolean => {
    let locked = false;
    for (const client of clients) {
      const record = this.#current(client, this.#now());
      record.pending = Math.max(0, record.pending - 1);
      if (failed) locked = this.fail(client) || locked;
      if (record.waiting.length > 0) for (const wake of record.waiting.splice(0)) wake();
    }
    return locked;
  };

  /** Rejects with TooManyRequestsError, after the refusal delay, while `client` is locked out. */
  async check(client: string): Promise<void> {
    const record = this.#clients.get(client);
    const now = this.#now();
    if (record && record.lockedUntil > now) {
      const refusal = new TooManyRequestsError(REFUSAL_MESSAGE, (record.lockedUntil - now) / 1000);
      await new Promise((done) => setTimeout(done, this.#refusalDelayMs));
      throw refusal;
    }
  }

  /** Counts one failure of `client`; returns true when this failure locked it out. */
  fail(client: string): boolean {
    const now = this.#now();
    const record = this.#current(client, now);
    record.failures += 1;
    const locked = record.failures >= this.#limits.maxFailures;
    if (locked) {
      record.lockedUntil = now + this.#limits.lockoutSeconds * 1000;
      record.failures = 0;
      record.windowStart = now;
    }
    return locked;
  }

  /** The record of `client`, a fresh one once its window and lockout have passed (attempts in flight are kept). */
  #current(client: string, now: number): ClientRecord {
    const windowMs = this.#limits.windowSeconds * 1000;
    let record = this.#clients.get(client);
    if (!record || (now - record.windowStart > windowMs && record.lockedUntil <= now)) {
      record = { failures: 0, pending: record?.pending ?? 0, waiting: record?.waiting ?? [], windowStart: now, lockedUntil: 0 };
    }
    // Re-inserting keeps the map in least-recently-used order for eviction.
    this.#clients.delete(client);
    this.#clients.set(client, record);
    this.#evict(now);
    return record;
  }

  #evict(now: number): void {
    if (this.#clients.size <= MAX_TRACKED_CLIENTS) return;
    const windowMs = this.#limits.windowSeconds * 1000;
    for (const [client, record] of this.#clients) {
      if (record.pending === 0 && record.lockedUntil <= now && now - record.windowStart > windowMs) this.#clients.delete(client);
    }
    for (const [client, record] of this.#clients) {
      if (this.#clients.size <= MAX_TRACKED_CLIENTS) break;
      if (record.pending === 0) this.#clients.delete(client);
    }
  }
}

/** The handle of an admitted attempt (a class, not closures: one per API call). */
class Attempt implements BrakeAttempt {
  readonly #settleClients: (clients: readonly string[], failed: boolean) => boolean;
  readonly #clients: readonly string[];
  #settled = false;

  constructor(settle: (clients: readonly string[], failed: boolean) => boolean, clients: readonly string[]) {
    this.#settleClients = settle;
    this.#clients = clients;
  }

  release(): void {
    this.#settle(false);
  }

  failed(): boolean {
    return this.#settle(true);
  }

  #settle(failed: boolean): boolean {
    if (this.#settled) throw new Error('a brake attempt is settled once');
    this.#settled = true;
    return this.#settleClients(this.#clients, failed);
  }
}

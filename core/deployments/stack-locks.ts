import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Knex } from 'knex';
import { ConflictError, errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/open-store.js';
import { leaseKey } from './lease-key.js';

/** A held stack lock. */
export interface StackLock {
  /**
   * Aborts when the lease is lost: another host took it over, or it could not be renewed
   * within a lease time (it may have run out). The work done under the lock must then stop
   * before its next change.
   */
  readonly lost: AbortSignal;
  /** Frees the stack for the next operation; safe to call twice. */
  release(): Promise<void>;
}

export interface StackLockTiming {
  /** How long an unrenewed lease counts as held; a crashed holder frees the stack after this. */
  readonly leaseMs: number;
  /** How often a waiter looks at a lease held by another process. */
  readonly pollMs: number;
  /**
   * This host's clock, for how long a waiter waits. Lease times never use it: they are the
   * database's clock, the one every host sharing the database agrees on.
   */
  readonly now: () => number;
  /** How many operations may wait for one stack in this process; the next is refused at once. */
  readonly maxWaiters: number;
}

interface LeaseRow {
  environment_id: string;
  stack_key: string;
  holder: string;
  expires_at: number | string;
}

const defaultTiming: StackLockTiming = { leaseMs: 15_000, pollMs: 200, now: () => Date.now(), maxWaiters: 20 };

/**
 * One operation at a time per stack (environment + stack name, case-insensitive). Within the
 * process, waiters queue in arrival order; across processes sharing the database, the holder
 * keeps a lease row it renews while it works, so a second host waits too, and a host that
 * died frees the stack once its lease runs out. Lease times are read and compared on the
 * database's clock, so hosts whose clocks disagree still agree on when a lease runs out. A
 * holder that cannot renew its lease within a lease time, or finds it taken, is told through
 * {@link StackLock.lost}. A waiter that does not get its turn within the bounded wait gets a 409.
 */
export class StackLocks {
  readonly #db: Store;
  readonly #log: Logger;
  readonly #timing: StackLockTiming;
  /** The last waiter's turn per stack: the next one queues behind it. */
  readonly #tails = new Map<string, Promise<void>>();
  /** How many operations are in line per stack, the holder included. */
  readonly #inLine = new Map<string, number>();

  constructor(db: Store, log: Logger, timing: Partial<StackLockTiming> = {}) {
    this.#db = db;
    this.#log = log;
    this.#timing = { ...defaultTiming, ...timing };
  }

  /**
   * Waits up to `waitMs` for the stack, then holds it until released. `subject` names what is
   * locked in the 409 message (default: the stack).
   * @throws ConflictError when another operation still holds it after `waitMs`.
   */
  async acquire(environmentId: string, stackName: string, waitMs: number, subject = `stack '${stackName}'`): Promise<StackLock> {
    const stackKey = leaseKey(stackName);
    const key = `${environmentId}/${stackKey}`;
    const { now } = this.#timing;
    const deadline = now() + waitMs;
    const busy = () =>
      new ConflictError(
        `Another operation on ${subject} in environment '${environmentId}' is still running after ${Math.round(waitMs / 1000)}s; try again later.`,
        { code: 'STACK_BUSY' },
      );

    // A bounded line: each waiter holds a request (and its client) open, so an unbounded one
    // lets a burst of calls for one stack pile up until the host runs out of them.
    const inLine = this.#inLine.get(key) ?? 0;
    if (inLine > this.#timing.maxWaiters) {
      throw new ConflictError(
        `${inLine - 1} operations on ${subject} in environment '${environmentId}' already wait for it; try again later.`,
        { code: 'STACK_BUSY', headers: { 'Retry-After': String(Math.max(1, Math.ceil(waitMs / 1000))) } },
      );
    }
    this.#inLine.set(key, inLine + 1);

    const previous = this.#tails.get(key) ?? Promise.resolve();
    let endTurn!: () => void;
    const turn = new Promise<void>((done) => (endTurn = done));
    const tail = previous.then(() => turn);
    this.#tails.set(key, tail);
    const leave = () => {
      endTurn();
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
      const left = (this.#inLine.get(key) ?? 1) - 1;
      if (left === 0) this.#inLine.delete(key);
      else this.#inLine.set(key, left);
    };

    if (!(await settlesWithin(previous, deadline - now()))) {
      // Our place in the queue passes straight on to whoever waits behind us.
      leave();
      throw busy();
    }
    const holder = randomUUID();
    try {
      if (!(await this.#takeLease(environmentId, stackKey, holder, deadline))) throw busy();
    } catch (err) {
      leave();
      throw err;
    }

    const lease = { environment_id: environmentId, stack_key: stackKey, holder };
    const lost = new AbortController();
    const loseLease = (why: string) => {
      if (lost.signal.aborted) return;
      this.#log.error({ environmentId, stack: stackName, reason: why }, 'stack lease lost while an operation runs');
      lost.abort(new Error(`the lock on ${subject} was lost (${why}); the operation stopped so that no other may run beside it`));
    };
    // Measured on a monotonic clock: only this process's own durations count here.
    let renewedAt = performance.now();
    const renew = setInterval(() => {
      if (performance.now() - renewedAt > this.#timing.leaseMs) loseLease('it could not be renewed within the lease time');
      this.#db('stack_leases')
        .where(lease)
        .update({ expires_at: this.#leaseEnd() })
        .then((updated: number) => {
          if (updated === 0) loseLease('another holder has it');
          else renewedAt = performance.now();
        })
        .catch((err: unknown) => this.#log.warn({ environmentId, stack: stackName, err: errorMessage(err) }, 'could not renew the stack lease'));
    }, Math.max(50, Math.floor(this.#timing.leaseMs / 3)));
    renew.unref();

    let released = false;
    return {
      lost: lost.signal,
      release: async () => {
        if (released) return;
        released = true;
        clearInterval(renew);
        try {
          await this.#db('stack_leases').where(lease).delete();
        } catch (err) {
          // The lease then runs out on its own.
          this.#log.warn({ environmentId, stack: stackName, err: errorMessage(err) }, 'could not free the stack lease');
        } finally {
          leave();
        }
      },
    };
  }

  /** Takes the stack's lease row, waiting (polling) for another process to free it or let it expire. */
  async #takeLease(environmentId: string, stackKey: string, holder: string, deadline: number): Promise<boolean> {
    const where = { environment_id: environmentId, stack_key: stackKey };
    for (;;) {
      await this.#db('stack_leases').insert({ ...where, holder, expires_at: this.#leaseEnd() }).onConflict(['environment_id', 'stack_key']).ignore();
      const row = await this.#db<LeaseRow>('stack_leases').where(where).first();
      if (row?.holder === holder) return true;
      if (row) {
        // The holder stopped renewing (it died): take over once its lease ran out by the
        // database's clock, unless another waiter just did.
        const taken = await this.#db('stack_leases')
          .where({ ...where, holder: row.holder, expires_at: row.expires_at })
          .where('expires_at', '<', this.#dbNow())
          .update({ holder, expires_at: this.#leaseEnd() });
        if (taken === 1) {
          this.#log.warn({ environmentId, stack: stackKey }, 'took over the stack lease of a holder that stopped renewing it');
          return true;
        }
      }
      if (this.#timing.now() + this.#timing.pollMs > deadline) return false;
      await sleep(this.#timing.pollMs);
    }
  }

  /** The database's clock in epoch milliseconds, as SQL (SQLite and MySQL spell it differently). */
  #nowSql(): string {
    return this.#db.client.config.client === 'mysql2'
      ? 'ROUND(UNIX_TIMESTAMP(NOW(3)) * 1000)'
      : "CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER)";
  }

  #dbNow(): Knex.Raw {
    return this.#db.raw(this.#nowSql());
  }

  /** When a lease taken or renewed now runs out, on the database's clock. */
  #leaseEnd(): Knex.Raw {
    return this.#db.raw(`${this.#nowSql()} + ?`, [this.#timing.leaseMs]);
  }
}

/** Whether `promise` settles within `ms` (never rejects). A settled promise wins even at 0 ms. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((done) => (timer = setTimeout(() => done(false), Math.max(0, ms))));
  try {
    return await Promise.race([promise.then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

import { errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/open-store.js';

/** Longest time a use waits in memory before it is written. */
export const USAGE_FLUSH_INTERVAL_MS = 30_000;

/**
 * Remembers when each key was last used and writes it in batches, so an authenticated request
 * never waits for a write. Pending uses are flushed at most every 30 s and when the host stops.
 */
export class ApiKeyUsageBuffer {
  readonly #store: Store;
  readonly #log: Logger;
  /** Time of the last use per key, in ms: formatted only when read or written, not on every call. */
  readonly #pending = new Map<string, number>();
  #timer: NodeJS.Timeout | null = null;
  #flushing: Promise<void> = Promise.resolve();

  constructor(store: Store, log: Logger) {
    this.#store = store;
    this.#log = log;
  }

  /** Notes a use now; schedules a flush if none is waiting. */
  note(id: string): void {
    this.#pending.set(id, Date.now());
    this.#timer ??= setTimeout(() => void this.flush(), USAGE_FLUSH_INTERVAL_MS).unref();
  }

  /** A use noted but not yet written, so lists show it at once. */
  pending(id: string): string | null {
    const at = this.#pending.get(id);
    return at === undefined ? null : new Date(at).toISOString();
  }

  /** Writes every pending use. A failed write keeps the use pending for the next flush. */
  flush(): Promise<void> {
    // Flushes run one after another, so a later one never overwrites a newer time.
    this.#flushing = this.#flushing.then(() => this.#write());
    return this.#flushing;
  }

  async #write(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const batch = [...this.#pending];
    this.#pending.clear();
    for (const [id, usedAt] of batch) {
      const at = new Date(usedAt).toISOString();
      try {
        // Never move the time backwards (another host sharing the database may be ahead).
        await this.#store('api_keys')
          .where({ id })
          .andWhere((q) => void q.whereNull('last_used_at').orWhere('last_used_at', '<', at))
          .update({ last_used_at: at });
      } catch (err) {
        if (!this.#pending.has(id)) this.#pending.set(id, usedAt);
        this.#log.warn({ apiKeyId: id, err: errorMessage(err) }, 'could not record the API key use; will retry');
      }
    }
    if (this.#pending.size > 0) this.#timer ??= setTimeout(() => void this.flush(), USAGE_FLUSH_INTERVAL_MS).unref();
  }

  /** Final flush at shutdown; nothing is scheduled afterwards. */
  async close(): Promise<void> {
    await this.flush();
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }
}

import { errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';

/** How often rows past their keeping time are looked for. */
const PRUNE_EVERY_MS = 3600_000;

/**
 * Keeps a store table bounded: deletes what is older than `keepMs` when started, then every
 * hour. A failed delete is logged and tried again on the next round; it never stops the host.
 */
export class Retention {
  readonly #what: string;
  readonly #keepMs: number;
  readonly #prune: (before: Date) => Promise<unknown>;
  readonly #log: Logger;
  readonly #now: () => number;
  #timer: NodeJS.Timeout | null = null;

  /** `prune` deletes what was finished (or created) before the date it is given. */
  constructor(what: string, keepMs: number, prune: (before: Date) => Promise<unknown>, log: Logger, now: () => number = Date.now) {
    this.#what = what;
    this.#keepMs = keepMs;
    this.#prune = prune;
    this.#log = log;
    this.#now = now;
  }

  async start(): Promise<void> {
    await this.#run();
    this.#timer = setInterval(() => void this.#run(), PRUNE_EVERY_MS);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  async #run(): Promise<void> {
    try {
      await this.#prune(new Date(this.#now() - this.#keepMs));
    } catch (err) {
      this.#log.warn({ err: errorMessage(err) }, `could not delete old ${this.#what}`);
    }
  }
}

import { errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import type { DeliveryStore } from './delivery-store.js';
import type { AttemptResult, DeliveryAttempt, DeliveryChannel } from './event-delivery.js';

/** How often a worker looks for due deliveries when it expects none: those of hosts that died, or retries another host stored. */
export const DELIVERY_POLL_MS = 30_000;
/** Deliveries claimed (and attempted side by side) at a time. */
const BATCH = 10;
/** A claim outlives its attempt's timeout by this much, so a slow store does not free it early. */
const CLAIM_MARGIN_MS = 30_000;

/**
 * Works off one plugin instance's deliveries in the background: attempts what is due, records
 * each attempt, schedules the next retry from the plugin's delays, and sleeps until the next
 * delivery is due. A failure of the store is logged and retried on the next round; it never
 * reaches the code that enqueued the event.
 */
export class DeliveryWorker {
  readonly #store: DeliveryStore;
  readonly #plugin: string;
  readonly #channel: DeliveryChannel;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #inFlight = new Set<AbortController>();
  #timer: NodeJS.Timeout | undefined;
  #round: Promise<void> | null = null;
  #again = false;
  #closed = false;

  constructor(store: DeliveryStore, plugin: string, channel: DeliveryChannel, log: Logger, now: () => number) {
    this.#store = store;
    this.#plugin = plugin;
    this.#channel = channel;
    this.#log = log;
    this.#now = now;
  }

  /** Starts a round now (or right after the one running). */
  wake(): void {
    if (this.#closed) return;
    if (this.#round !== null) {
      this.#again = true;
      return;
    }
    clearTimeout(this.#timer);
    this.#round = this.#work()
      .catch((err: unknown) => this.#log.error({ err: errorMessage(err) }, 'event deliveries could not be worked off; retrying later'))
      .then(() => this.#sleep())
      .finally(() => {
        this.#round = null;
        if (this.#again) {
          this.#again = false;
          this.wake();
        }
      });
  }

  /** Stops: aborts attempts under way (each is recorded and retried later) and waits for the round. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    for (const controller of this.#inFlight) controller.abort(new Error('the host is stopping'));
    await this.#round;
  }

  async #work(): Promise<void> {
    const claimMs = this.#channel.attemptTimeoutMs + CLAIM_MARGIN_MS;
    while (!this.#closed) {
      const due = await this.#store.claimDue(this.#plugin, this.#now(), claimMs, BATCH);
      if (due.length === 0) return;
      await Promise.all(due.map((delivery) => this.#attempt(delivery)));
    }
  }

  async #sleep(): Promise<void> {
    if (this.#closed) return;
    const next = await this.#store.nextDue(this.#plugin).catch(() => null);
    const wait = next === null ? DELIVERY_POLL_MS : Math.min(DELIVERY_POLL_MS, Math.max(0, next - this.#now()));
    if (this.#closed) return;
    this.#timer = setTimeout(() => this.wake(), wait);
    this.#timer.unref();
  }

  async #attempt(delivery: DeliveryAttempt): Promise<void> {
    const controller = new AbortController();
    this.#inFlight.add(controller);
    const timeoutMs = this.#channel.attemptTimeoutMs;
    const timer = setTimeout(() => controller.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    const attemptedAt = this.#now();
    const started = performance.now();
    let result: AttemptResult;
    try {
      result = await this.#channel.send(delivery, controller.signal);
    } catch (err) {
      result = { delivered: false, error: controller.signal.aborted ? errorMessage(controller.signal.reason) : errorMessage(err) };
    } finally {
      clearTimeout(timer);
      this.#inFlight.delete(controller);
    }
    const durationMs = performance.now() - started;
    const delay = this.#channel.retryDelaysMs[delivery.attempt - 1];
    const nextAttemptAt = result.delivered || result.final === true || delay === undefined ? null : this.#now() + delay;
    const fields = { deliveryId: delivery.id, eventId: delivery.eventId, target: delivery.target, attempt: delivery.attempt };
    if (result.delivered) this.#log.debug(fields, 'event delivered');
    else this.#log.warn({ ...fields, statusCode: result.statusCode ?? null, err: result.error ?? null, retry: nextAttemptAt !== null }, 'event delivery failed');
    await this.#store.recordAttempt(delivery, { result, attemptedAt, durationMs, nextAttemptAt });
  }
}

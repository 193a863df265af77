import { ConflictError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/open-store.js';
import { Retention } from '../store/retention.js';
import { DeliveryStore, type DeliveryPage, type DeliveryStatus } from './delivery-store.js';
import { DeliveryWorker } from './delivery-worker.js';
import type { DeliveryChannel, EventDeliveryQueue, NewDelivery } from './event-delivery.js';

/** Finished deliveries (delivered, or out of retries) are kept this long for operators to read. */
export const DELIVERY_RETENTION_MS = 7 * 24 * 3600_000;

/** A test event queued by `POST /api/event-deliveries/test`. */
export interface QueuedTest {
  readonly plugin: string;
  readonly eventId: string;
  readonly target: string;
}

/**
 * The host's event deliveries: each plugin instance that delivers events gets a queue in the
 * store and a worker that works it off (see `ctx.eventDeliveries`); operators list them and
 * send test events.
 */
export class EventDeliveries {
  readonly #store: DeliveryStore;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #channels = new Map<string, { readonly channel: DeliveryChannel; readonly worker: DeliveryWorker }>();
  readonly #retention: Retention;

  constructor(store: Store, log: Logger, now: () => number) {
    this.#store = new DeliveryStore(store);
    this.#log = log;
    this.#now = now;
    this.#retention = new Retention('event deliveries', DELIVERY_RETENTION_MS, (before) => this.#store.prune(before.toISOString()), log.child({ area: 'event-deliveries' }), now);
  }

  /** Deletes the finished deliveries past their keeping time, now and every hour. */
  open(): Promise<void> {
    return this.#retention.start();
  }

  /**
   * Gives the plugin instance `plugin` its queue; its worker starts at once with what earlier
   * runs left pending. A later registration of the same instance (its plugin set up again)
   * takes over from the earlier one. `release` stops the worker when the instance closes.
   */
  register(plugin: string, channel: DeliveryChannel): { readonly queue: EventDeliveryQueue; release(): Promise<void> } {
    const registration = { channel, worker: new DeliveryWorker(this.#store, plugin, channel, this.#log.child({ plugin, area: 'event-deliveries' }), this.#now) };
    const previous = this.#channels.get(plugin);
    this.#channels.set(plugin, registration);
    void previous?.worker.close();
    registration.worker.wake();
    return {
      queue: { enqueue: (deliveries) => this.#enqueue(plugin, deliveries) },
      release: async () => {
        if (this.#channels.get(plugin) === registration) this.#channels.delete(plugin);
        await registration.worker.close();
      },
    };
  }

  /** One page of every plugin's deliveries, newest first. */
  list(page: number, pageSize: number, status: DeliveryStatus | null): Promise<DeliveryPage> {
    return this.#store.list(page, pageSize, status);
  }

  /**
   * Queues a test event for each target of each plugin that offers one.
   * @throws ConflictError when no enabled plugin has a target to send one to.
   */
  async sendTest(): Promise<QueuedTest[]> {
    const queued: QueuedTest[] = [];
    for (const [plugin, { channel }] of this.#channels) {
      const deliveries = channel.testEvent?.() ?? [];
      await this.#enqueue(plugin, deliveries);
      queued.push(...deliveries.map((delivery) => ({ plugin, eventId: delivery.eventId, target: delivery.target })));
    }
    if (queued.length === 0) {
      throw new ConflictError('No event targets are configured: enable the webhook-notifier plugin with at least one target.', { code: 'NO_EVENT_TARGETS' });
    }
    return queued;
  }

  /** Stops every worker; what is still pending is attempted after the next start. */
  async close(): Promise<void> {
    this.#retention.stop();
    await Promise.all([...this.#channels.values()].map(({ worker }) => worker.close()));
  }

  /** Stores the deliveries and wakes the instance's current worker. */
  async #enqueue(plugin: string, deliveries: readonly NewDelivery[]): Promise<void> {
    await this.#store.add(plugin, deliveries, this.#now());
    this.#channels.get(plugin)?.worker.wake();
  }
}

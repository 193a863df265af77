/**
 * What the host offers plugins that deliver events outward (a webhook, a chat, a mail relay):
 * a durable queue kept in the host's store, worked off in the background, retried with the
 * plugin's backoff across restarts, every attempt recorded for `GET /api/event-deliveries`.
 * Since plugin API 1.5.
 */

/** One event for one target, as a plugin hands it to the host. */
export interface NewDelivery {
  /** The event's id: the same for each of its targets and every attempt. At most 64 characters. */
  readonly eventId: string;
  readonly eventType: string;
  /** The target as operators see it (a name, a host): never a secret. At most 255 characters. */
  readonly target: string;
  /** The event itself, as JSON; it is stored, so it must hold no secret. */
  readonly payload: Readonly<Record<string, unknown>>;
}

/** A stored delivery, handed back to the plugin for one attempt. */
export interface DeliveryAttempt extends NewDelivery {
  /** The delivery's own id (one per event and target). */
  readonly id: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
}

/** How one attempt went. `delivered` ends the delivery; otherwise it is retried while delays remain. */
export interface AttemptResult {
  readonly delivered: boolean;
  /** The receiver's status code, when it answered. */
  readonly statusCode?: number | null;
  /** Why it was not delivered, when there was no answer to go by (no secret in it). */
  readonly error?: string | null;
  /** Give up at once: a retry cannot succeed (the target is no longer configured). */
  readonly final?: boolean;
}

/** How a plugin delivers: `ctx.eventDeliveries(channel)`. */
export interface DeliveryChannel {
  /** One attempt. It must honour `signal`, which aborts after `attemptTimeoutMs` or when the host stops. */
  send(delivery: DeliveryAttempt, signal: AbortSignal): Promise<AttemptResult>;
  /**
   * Milliseconds to wait before each retry after a failed attempt, in order; when they run
   * out the delivery is `Failed`. Empty: one attempt only.
   */
  readonly retryDelaysMs: readonly number[];
  /** How long one attempt may take. */
  readonly attemptTimeoutMs: number;
  /** What `POST /api/event-deliveries/test` sends through this plugin: a test event per target. */
  testEvent?(): readonly NewDelivery[];
}

/** The plugin's side of its queue. */
export interface EventDeliveryQueue {
  /**
   * Stores the deliveries in one write and resolves once they are durable; their first
   * attempts start at once, in the background. An event already stored for a target (same
   * event id) is not stored twice.
   */
  enqueue(deliveries: readonly NewDelivery[]): Promise<void>;
}

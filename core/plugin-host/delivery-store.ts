import { randomUUID } from 'node:crypto';
import type { Store } from '../store/open-store.js';
import type { AttemptResult, DeliveryAttempt, NewDelivery } from './event-delivery.js';

/** Where a delivery stands. */
export type DeliveryStatus = 'Pending' | 'Delivered' | 'Failed';
export const deliveryStatuses: readonly DeliveryStatus[] = ['Pending', 'Delivered', 'Failed'];

/** One recorded attempt, as `GET /api/event-deliveries` shows it. */
export interface AttemptView {
  readonly at: string;
  readonly statusCode: number | null;
  readonly error: string | null;
  readonly durationMs: number;
}

/** One delivery with its attempts, newest first in a page. */
export interface DeliveryView {
  readonly id: string;
  readonly plugin: string;
  readonly eventId: string;
  readonly type: string;
  readonly target: string;
  readonly status: DeliveryStatus;
  readonly attemptCount: number;
  readonly nextAttemptAt: string | null;
  readonly createdAt: string;
  readonly finishedAt: string | null;
  readonly event: Readonly<Record<string, unknown>>;
  readonly attempts: readonly AttemptView[];
}

export interface DeliveryPage {
  readonly deliveries: readonly DeliveryView[];
  readonly page: number;
  readonly pageSize: number;
  readonly total: number;
}

interface DeliveryRow {
  id: string;
  plugin: string;
  event_id: string;
  event_type: string;
  target: string;
  payload: string;
  status: DeliveryStatus;
  attempt_count: number;
  next_attempt_at: number | string | null;
  claimed_by: string | null;
  claimed_until: number | string | null;
  created_at: string;
  finished_at: string | null;
}

interface AttemptRow {
  delivery_id: string;
  attempted_at: string;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

/** How an attempt ended, and what follows: another attempt at `nextAttemptAt`, or none. */
export interface AttemptRecord {
  readonly result: AttemptResult;
  readonly attemptedAt: number;
  readonly durationMs: number;
  /** Null when the delivery is finished (delivered, or its retries ran out). */
  readonly nextAttemptAt: number | null;
}

const iso = (ms: number) => new Date(ms).toISOString();
/** A receiver's error text is kept bounded: it is shown, not archived. */
const MAX_ERROR_LENGTH = 1_000;

/**
 * The stored deliveries. A process attempts a delivery only after claiming it with a
 * conditional update, so hosts sharing the database never send one delivery twice at a time;
 * a claim left by a host that died runs out and the delivery is attempted again.
 */
export class DeliveryStore {
  readonly #db: Store;
  /** This process's name in claims. */
  readonly #claimant = randomUUID();

  constructor(db: Store) {
    this.#db = db;
  }

  /** Stores new deliveries, due at `now`; one already stored for its event and target is skipped. */
  async add(plugin: string, deliveries: readonly NewDelivery[], now: number): Promise<void> {
    if (deliveries.length === 0) return;
    const rows: DeliveryRow[] = deliveries.map((delivery) => ({
      id: randomUUID(),
      plugin,
      event_id: delivery.eventId,
      event_type: delivery.eventType,
      target: delivery.target,
      payload: JSON.stringify(delivery.payload),
      status: 'Pending',
      attempt_count: 0,
      next_attempt_at: now,
      claimed_by: null,
      claimed_until: null,
      created_at: iso(now),
      finished_at: null,
    }));
    await this.#db('event_deliveries').insert(rows).onConflict(['plugin', 'event_id', 'target']).ignore();
  }

  /** Claims up to `limit` of the plugin's deliveries that are due, until `now + claimMs`. */
  async claimDue(plugin: string, now: number, claimMs: number, limit: number): Promise<DeliveryAttempt[]> {
    const due = await this.#db<DeliveryRow>('event_deliveries')
      .where({ plugin, status: 'Pending' })
      .where('next_attempt_at', '<=', now)
      .where((unclaimed) => unclaimed.whereNull('claimed_until').orWhere('claimed_until', '<', now))
      .orderBy('next_attempt_at')
      .limit(limit);
    const claimed: DeliveryAttempt[] = [];
    for (const row of due) {
      const updated = await this.#db('event_deliveries')
        .where({ id: row.id, status: 'Pending', attempt_count: row.attempt_count })
        .where((unclaimed) => unclaimed.whereNull('claimed_until').orWhere('claimed_until', '<', now))
        .update({ claimed_by: this.#claimant, claimed_until: now + claimMs });
      if (updated === 1) {
        claimed.push({
          id: row.id,
          eventId: row.event_id,
          eventType: row.event_type,
          target: row.target,
          payload: JSON.parse(row.payload) as Record<string, unknown>,
          attempt: row.attempt_count + 1,
        });
      }
    }
    return claimed;
  }

  /** Records an attempt of a delivery this process claimed, and releases the claim. */
  async recordAttempt(delivery: DeliveryAttempt, record: AttemptRecord): Promise<void> {
    const { result } = record;
    const status: DeliveryStatus = result.delivered ? 'Delivered' : record.nextAttemptAt === null ? 'Failed' : 'Pending';
    await this.#db.transaction(async (trx) => {
      const attempt: AttemptRow = {
        delivery_id: delivery.id,
        attempted_at: iso(record.attemptedAt),
        status_code: result.statusCode ?? null,
        error: result.error === undefined || result.error === null ? null : result.error.slice(0, MAX_ERROR_LENGTH),
        duration_ms: Math.round(record.durationMs),
      };
      await trx('event_delivery_attempts').insert(attempt);
      await trx('event_deliveries')
        .where({ id: delivery.id, claimed_by: this.#claimant })
        .update({
          status,
          attempt_count: delivery.attempt,
          next_attempt_at: status === 'Pending' ? record.nextAttemptAt : null,
          claimed_by: null,
          claimed_until: null,
          finished_at: status === 'Pending' ? null : iso(record.attemptedAt + record.durationMs),
        });
    });
  }

  /** When the plugin's next pending delivery is due (epoch ms), or null when none is pending. */
  async nextDue(plugin: string): Promise<number | null> {
    const row = await this.#db('event_deliveries').where({ plugin, status: 'Pending' }).min({ next: 'next_attempt_at' }).first();
    const next: unknown = row?.['next'];
    return next === null || next === undefined ? null : Number(next);
  }

  /** Deletes the deliveries (and their attempts) that were finished before `before`; pending ones stay. */
  async prune(before: string): Promise<number> {
    const finished = () => this.#db('event_deliveries').whereNot({ status: 'Pending' }).where('finished_at', '<', before);
    await this.#db('event_delivery_attempts').whereIn('delivery_id', finished().select('id')).delete();
    return finished().delete();
  }

  /** One page (1-based) of deliveries, newest first, with their attempts; only those of `status` when given. */
  async list(page: number, pageSize: number, status: DeliveryStatus | null): Promise<DeliveryPage> {
    const filtered = () => {
      const query = this.#db<DeliveryRow>('event_deliveries');
      return status === null ? query : query.where({ status });
    };
    const rows: DeliveryRow[] = await filtered()
      .orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }])
      .limit(pageSize)
      .offset((page - 1) * pageSize);
    const counted = await filtered().count({ total: '*' }).first();
    const attempts: AttemptRow[] =
      rows.length === 0 ? [] : await this.#db<AttemptRow>('event_delivery_attempts').whereIn('delivery_id', rows.map((row) => row.id)).orderBy('id');
    const deliveries = rows.map((row): DeliveryView => ({
      id: row.id,
      plugin: row.plugin,
      eventId: row.event_id,
      type: row.event_type,
      target: row.target,
      status: row.status,
      attemptCount: Number(row.attempt_count),
      nextAttemptAt: row.next_attempt_at === null ? null : iso(Number(row.next_attempt_at)),
      createdAt: row.created_at,
      finishedAt: row.finished_at,
      event: JSON.parse(row.payload) as Record<string, unknown>,
      attempts: attempts
        .filter((attempt) => attempt.delivery_id === row.id)
        .map((attempt) => ({ at: attempt.attempted_at, statusCode: attempt.status_code, error: attempt.error, durationMs: Number(attempt.duration_ms) })),
    }));
    return { deliveries, page, pageSize, total: Number(counted?.['total'] ?? 0) };
  }
}

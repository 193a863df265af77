import { errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/open-store.js';
import { rowsInsert } from '../store/rows-insert.js';
import type { AuditEvent, AuditEventInput, AuditOutcome, AuditRecorder } from './audit-event.js';

interface AuditRow {
  id: number | string;
  at: string;
  action: string;
  outcome: string;
  status: number | null;
  actor_kind: string | null;
  actor_id: string | null;
  actor_name: string | null;
  client_ip: string | null;
  endpoint: string | null;
  target: string | null;
  environment_id: string | null;
  duration_ms: number | null;
  code: string | null;
  message: string | null;
  key_prefix: string | null;
}

/** One page of the trail, newest first. */
export interface AuditPage {
  readonly events: readonly AuditEvent[];
  readonly page: number;
  readonly pageSize: number;
  readonly total: number;
}

/** Cuts a value to its column's width so an over-long target never loses the whole event. */
const fit = (value: string | null | undefined, max: number): string | null =>
  value === undefined || value === null ? null : value.slice(0, max);

const toEvent = (row: AuditRow): AuditEvent => ({
  id: Number(row.id),
  at: row.at,
  action: row.action,
  outcome: row.outcome as AuditOutcome,
  status: row.status,
  actorKind: row.actor_kind,
  actorId: row.actor_id,
  actorName: row.actor_name,
  clientIp: row.client_ip,
  endpoint: row.endpoint,
  target: row.target,
  environmentId: row.environment_id,
  durationMs: row.duration_ms,
  code: row.code,
  message: row.message,
  keyPrefix: row.key_prefix,
});

/** The columns an event fills. */
const auditColumns = [
  'at', 'action', 'outcome', 'status', 'actor_kind', 'actor_id', 'actor_name', 'client_ip', 'endpoint', 'target', 'environment_id', 'duration_ms', 'code', 'message', 'key_prefix',
] as const;

/** The row of one event, each value cut to its column. */
function auditRow(event: AuditEventInput): Omit<AuditRow, 'id'> {
  return {
    at: new Date().toISOString(),
    action: fit(event.action, 40) ?? '',
    outcome: event.outcome,
    status: event.status ?? null,
    actor_kind: event.actor?.kind ?? null,
    actor_id: fit(event.actor?.id, 36),
    actor_name: fit(event.actor?.name, 100),
    client_ip: fit(event.clientIp, 64),
    endpoint: fit(event.endpoint, 200),
    target: fit(event.target, 300),
    environment_id: fit(event.environmentId, 36),
    duration_ms: event.durationMs === undefined || event.durationMs === null ? null : Math.round(event.durationMs),
    code: fit(event.code, 60),
    message: fit(event.message, 500),
    // The column holds 12 characters, a key's public prefix: never more of what was tried.
    key_prefix: fit(event.keyPrefix, 12),
  };
}

/** Events written by one INSERT at most: far below the engines' limits on bound values. */
const MAX_BATCH = 200;

/**
 * Longest an event from {@link AuditLog.recordSoon} waits for a write. Every write of SQLite
 * syncs to disk (about a third of a millisecond here, during which the host answers nothing);
 * a flood of refused calls must not buy one sync each.
 */
export const SOON_WRITE_MS = 20;

/** An event waiting for its write, and who waits for it (nobody, for `recordSoon`). */
interface QueuedEvent {
  readonly row: Omit<AuditRow, 'id'>;
  readonly written: (() => void) | null;
}

/** The audit trail: who did what, from where, with which outcome. */
export class AuditLog implements AuditRecorder {
  readonly #store: Store;
  readonly #log: Logger;
  readonly #insert: (rows: readonly Omit<AuditRow, 'id'>[]) => Promise<void>;
  readonly #queue: QueuedEvent[] = [];
  #writing: Promise<void> | null = null;
  #soonTimer: NodeJS.Timeout | null = null;
  readonly #observe: ((event: AuditEventInput) => void) | undefined;

  /** `observe` hears every event as it is recorded (the host counts refused authentications). */
  constructor(store: Store, log: Logger, observe?: (event: AuditEventInput) => void) {
    this.#store = store;
    this.#log = log;
    this.#observe = observe;
    this.#insert = rowsInsert(store, 'audit_events', auditColumns);
  }

  /**
   * Appends one event; resolves once it is written. A failure to write is logged, never
   * thrown: the action it describes has already happened and its answer must not turn into an
   * error.
   *
   * Events recorded while a write is under way, or in the same turn of the event loop, are
   * written together in one INSERT (group commit): one transaction, and with SQLite's
   * `synchronous = FULL` one sync to disk, for all of them instead of one each. Every caller
   * still waits for its own event to be committed, and ids keep the recording order.
   */
  record(event: AuditEventInput): Promise<void> {
    this.#observe?.(event);
    return new Promise((written) => {
      this.#queue.push({ row: auditRow(event), written });
      this.#startWrite();
    });
  }

  /**
   * Appends one event without waiting for it: it is written with the next write, at the
   * latest {@link SOON_WRITE_MS} later, and by {@link flush}. For events of requests that
   * were refused before anything changed, whose answers need not wait for the disk.
   */
  recordSoon(event: AuditEventInput): void {
    this.#observe?.(event);
    this.#queue.push({ row: auditRow(event), written: null });
    this.#writeSoon();
  }

  /** Resolves once every event recorded so far is written; for a host that is stopping. */
  async flush(): Promise<void> {
    while (this.#writing !== null || this.#queue.length > 0) {
      if (this.#queue.length > 0) this.#startWrite();
      await this.#writing;
    }
  }

  /** Starts a write {@link SOON_WRITE_MS} from now, unless one is under way or already due. */
  #writeSoon(): void {
    if (this.#writing === null) this.#soonTimer ??= setTimeout(() => this.#startWrite(), SOON_WRITE_MS);
  }

  #startWrite(): void {
    if (this.#soonTimer !== null) clearTimeout(this.#soonTimer);
    this.#soonTimer = null;
    this.#writing ??= new Promise<void>((turn) => setImmediate(turn)).then(() => this.#writeQueued());
  }

  async #writeQueued(): Promise<void> {
    // The first batch is what the write was started for; after it, the write goes on only while
    // someone waits, and events nobody waits for are left to the next timer.
    for (let more = true; more && this.#queue.length > 0; more = this.#queue.some((event) => event.written !== null)) {
      const batch = this.#queue.splice(0, MAX_BATCH);
      try {
        await this.#insert(batch.map((event) => event.row));
      } catch {
        // One event the database refuses must not cost the others theirs: one at a time, then.
        for (const event of batch) {
          await this.#store('audit_events')
            .insert(event.row)
            .catch((err: unknown) => this.#log.error({ action: event.row.action, err: errorMessage(err) }, 'could not write the audit event'));
        }
      }
      for (const event of batch) event.written?.();
    }
    // No await between the last check and this: a record() arriving later starts a new write.
    this.#writing = null;
    if (this.#queue.length > 0) this.#writeSoon();
  }

  /** One page (1-based), newest first; events recorded so far are written first. */
  async list(page: number, pageSize: number): Promise<AuditPage> {
    await this.flush();
    const rows = await this.#store<AuditRow>('audit_events')
      .orderBy('id', 'desc')
      .limit(pageSize)
      .offset((page - 1) * pageSize);
    const counted = await this.#store('audit_events').count({ total: '*' }).first();
    return { events: rows.map(toEvent), page, pageSize, total: Number(counted?.['total'] ?? 0) };
  }
}

import { errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/open-store.js';
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
});

/** The audit trail: who did what, from where, with which outcome. */
export class AuditLog implements AuditRecorder {
  readonly #store: Store;
  readonly #log: Logger;

  constructor(store: Store, log: Logger) {
    this.#store = store;
    this.#log = log;
  }

  /**
   * Appends one event. A failure to write is logged, never thrown: the action it describes has
   * already happened and its answer must not turn into an error.
   */
  async record(event: AuditEventInput): Promise<void> {
    try {
      await this.#store('audit_events').insert({
        at: new Date().toISOString(),
        action: fit(event.action, 40),
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
      });
    } catch (err) {
      this.#log.error({ action: event.action, err: errorMessage(err) }, 'could not write the audit event');
    }
  }

  /** One page (1-based), newest first. */
  async list(page: number, pageSize: number): Promise<AuditPage> {
    const rows = await this.#store<AuditRow>('audit_events')
      .orderBy('id', 'desc')
      .limit(pageSize)
      .offset((page - 1) * pageSize);
    const counted = await this.#store('audit_events').count({ total: '*' }).first();
    return { events: rows.map(toEvent), page, pageSize, total: Number(counted?.['total'] ?? 0) };
  }
}

import type { Intent } from '../hooks/intent.js';
import type { Store } from '../store/open-store.js';
import { rowsInsert } from '../store/rows-insert.js';
import { retryWrite } from './retry-write.js';
import type { OperationRecordKind, HookOperationStatus, OperationAnswer, OperationEvent, OperationEventType, OperationRecord } from './operation-record.js';

interface OperationRow {
  id: string;
  kind: string;
  status: string;
  owner: string;
  host_id: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  http_status: number | null;
  result: string | null;
  idempotency_hash: string | null;
  request_hash: string | null;
  reason: string | null;
  commit_ref: string | null;
  pipeline_url: string | null;
}

const operationColumns: (keyof OperationRow)[] = [
  'id', 'kind', 'status', 'owner', 'host_id', 'created_at', 'started_at', 'finished_at', 'http_status', 'result', 'idempotency_hash', 'request_hash', 'reason', 'commit_ref', 'pipeline_url',
];

interface EventRow {
  operation_id: string;
  seq: number;
  type: string;
  data: string;
}

/** A new operation's row. */
export interface NewOperation {
  readonly id: string;
  readonly kind: OperationRecordKind;
  readonly owner: string;
  readonly hostId: string;
  readonly createdAt: string;
  readonly intent: Intent;
  /** Owner and Idempotency-Key hashed, with the hash of what was sent, when the call had a key. */
  readonly idempotency: { readonly keyHash: string; readonly requestHash: string } | null;
}

const recordOf = (row: OperationRow): OperationRecord => ({
  id: row.id,
  kind: row.kind as OperationRecordKind,
  status: row.status as HookOperationStatus,
  owner: row.owner,
  createdAt: row.created_at,
  startedAt: row.started_at,
  finishedAt: row.finished_at,
  httpStatus: row.http_status,
  result: row.result === null ? null : (JSON.parse(row.result) as Record<string, unknown>),
  intent: { reason: row.reason, commit: row.commit_ref, pipelineUrl: row.pipeline_url },
});

const eventOf = (row: EventRow): OperationEvent => ({ seq: row.seq, type: row.type as OperationEventType, data: JSON.parse(row.data) as Record<string, unknown> });

const eventRow = (operationId: string, event: OperationEvent): EventRow => ({ operation_id: operationId, seq: event.seq, type: event.type, data: JSON.stringify(event.data) });

const EVENT_ROWS_PER_INSERT = 200;

/** The `operations` and `operation_events` tables. */
export class OperationStore {
  readonly #store: Store;
  readonly #insert: (rows: readonly OperationRow[]) => Promise<void>;

  constructor(store: Store) {
    this.#store = store;
    // A new operation's row is the one write an asynchronous call's 202 waits for; the
    // operation's start, written right after the answer, takes it to the disk.
    this.#insert = rowsInsert(store, 'operations', operationColumns, { syncWithNextWrite: true });
  }

  /**
   * Writes a new operation's row; on SQLite without waiting for the disk (the operation's start,
   * {@link markRunning}, syncs it).
   * @throws the driver's unique violation when another operation holds the idempotency hash.
   */
  async insert(operation: NewOperation): Promise<void> {
    await this.#insert([{
      id: operation.id,
      kind: operation.kind,
      status: 'Queued',
      owner: operation.owner,
      host_id: operation.hostId,
      created_at: operation.createdAt,
      started_at: null,
      finished_at: null,
      http_status: null,
      result: null,
      idempotency_hash: operation.idempotency?.keyHash ?? null,
      request_hash: operation.idempotency?.requestHash ?? null,
      reason: operation.intent.reason,
      commit_ref: operation.intent.commit,
      pipeline_url: operation.intent.pipelineUrl,
    }]);
  }

  async get(id: string): Promise<OperationRecord | null> {
    const row = await this.#store<OperationRow>('operations').where({ id }).first();
    return row === undefined ? null : recordOf(row);
  }

  /** The operation holding an idempotency hash, with the hash of what was first sent with it. */
  async findByKey(keyHash: string): Promise<{ record: OperationRecord; requestHash: string; createdAt: string } | null> {
    const row = await this.#store<OperationRow>('operations').where({ idempotency_hash: keyHash }).first();
    return row === undefined ? null : { record: recordOf(row), requestHash: row.request_hash ?? '', createdAt: row.created_at };
  }

  /** Frees a key whose 24 h have passed, so that a new call may use it again. */
  async releaseKey(keyHash: string, createdBefore: string): Promise<void> {
    await this.#store('operations').where({ idempotency_hash: keyHash }).andWhere('created_at', '<', createdBefore).update({ idempotency_hash: null });
  }

  async markRunning(id: string, at: string): Promise<void> {
    await this.#store('operations').where({ id }).update({ status: 'Running', started_at: at });
  }

  async appendEvents(operationId: string, events: readonly OperationEvent[]): Promise<void> {
    // In chunks: SQLite takes at most 500 rows in one insert (knex makes it one compound SELECT),
    // and a batch of container output lines holds more.
    if (events.length > 0) await this.#store.batchInsert('operation_events', events.map((event) => eventRow(operationId, event)), EVENT_ROWS_PER_INSERT);
  }

  /** Events of an operation after `afterSeq`, in order. */
  async events(operationId: string, afterSeq: number): Promise<OperationEvent[]> {
    const rows = await this.#store<EventRow>('operation_events').where({ operation_id: operationId }).andWhere('seq', '>', afterSeq).orderBy('seq');
    return rows.map(eventOf);
  }

  /** Records the end and the `done` event together: a reader that sees one sees the other. */
  async finish(id: string, end: { status: HookOperationStatus; finishedAt: string; answer: OperationAnswer }, done: OperationEvent): Promise<void> {
    await retryWrite(() =>
      this.#store.transaction(async (trx) => {
        await trx('operation_events').insert(eventRow(id, done));
        await trx('operations')
          .where({ id })
          .update({ status: end.status, finished_at: end.finishedAt, http_status: end.answer.status, result: JSON.stringify(end.answer.body) });
      }),
    );
  }

  /** The unfinished operations a host process left (it stopped without finishing them). */
  async unfinished(hostId: string): Promise<Array<{ record: OperationRecord; lastSeq: number }>> {
    const rows = await this.#store<OperationRow>('operations').where({ host_id: hostId }).whereIn('status', ['Queued', 'Running']);
    const found: Array<{ record: OperationRecord; lastSeq: number }> = [];
    for (const row of rows) {
      const last = await this.#store('operation_events').where({ operation_id: row.id }).max({ seq: 'seq' }).first();
      found.push({ record: recordOf(row), lastSeq: Number((last as { seq?: unknown } | undefined)?.seq ?? 0) });
    }
    return found;
  }

  /** Deletes operations (and their events) created before `before`. */
  async prune(before: string): Promise<number> {
    const old = this.#store('operations').select('id').where('created_at', '<', before);
    await this.#store('operation_events').whereIn('operation_id', old).delete();
    return this.#store('operations').where('created_at', '<', before).delete();
  }
}

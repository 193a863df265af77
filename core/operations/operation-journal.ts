import { NO_INTENT, type Intent } from '../hooks/intent.js';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { deferred } from '../deferred.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/open-store.js';
import { Retention } from '../store/retention.js';
import { isUniqueViolation } from '../store/unique-violation.js';
import { IdempotencyKeyReusedError } from '../errors.js';
import { doneData, isFinished, type OperationRecordKind, type OperationAnswer, type OperationEvent, type OperationRecord } from './operation-record.js';
import { OperationStore } from './operation-store.js';

/** Operations older than this are deleted. */
export const OPERATION_RETENTION_MS = 7 * 24 * 3600_000;
/** How long an Idempotency-Key stands for its first call. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 3600_000;
/** Events kept per operation; later `progress` and `log` events are dropped (`done` never is). */
const MAX_EVENTS = 5_000;
/** Events are written in batches at most this long after they happened. */
const FLUSH_MS = 250;
/** How often a reader of an operation another host runs looks for news. */
const POLL_MS = 500;

/** A call's Idempotency-Key, hashed with its owner, and the hash of what was sent with it. */
export interface IdempotencyClaim {
  readonly keyHash: string;
  readonly requestHash: string;
}

/** What a new operation's work reports to its followers. */
export type OperationReporter = (type: 'progress' | 'log', data: Readonly<Record<string, unknown>>) => void;

/** Receives the events of an operation that runs in this process. */
export type OperationListener = (event: OperationEvent) => void;

interface LiveOperation {
  record: OperationRecord;
  readonly events: OperationEvent[];
  unwritten: OperationEvent[];
  readonly listeners: Set<OperationListener>;
  flushTimer: NodeJS.Timeout | null;
  /** Event writes in order: each batch after the one before. */
  writing: Promise<void>;
  readonly finished: Promise<OperationRecord>;
  resolve: (record: OperationRecord) => void;
}

/** The answer of an operation its host stopped before it finished. */
const ABANDONED: OperationAnswer = {
  status: 503,
  body: {
    success: false,
    message: 'The host stopped before the operation finished. Check the deployment and call the hook again.',
    code: 'UNAVAILABLE',
  },
};

const now = () => new Date().toISOString();

/**
 * Every hook call that runs, and every stop, start or restart an operator asks for, is an
 * operation: created before its work starts, finished with the answer the synchronous call
 * gives, kept 7 days. Its events (`progress`, `log`, then `done`)
 * go to followers in this process at once and to the store in batches, so that a follower on
 * another host, after the end or after a restart reads them back. An Idempotency-Key is claimed
 * by the operation's row (a unique column): of duplicates sent at once, one runs.
 */
export class OperationJournal {
  readonly #store: OperationStore;
  readonly #log: Logger;
  readonly #hostId: string;
  readonly #live = new Map<string, LiveOperation>();
  readonly #running = new Set<Promise<unknown>>();
  readonly #retention: Retention;

  constructor(store: Store, log: Logger, hostId: string) {
    this.#store = new OperationStore(store);
    this.#log = log.child({ area: 'operations' });
    this.#hostId = hostId;
    this.#retention = new Retention('operations', OPERATION_RETENTION_MS, (before) => this.#store.prune(before.toISOString()), this.#log);
  }

  /**
   * Fails the operations this host left unfinished when it stopped (their answers say so) and
   * deletes those past their 7 days, now and every hour.
   */
  async open(): Promise<void> {
    for (const { record, lastSeq } of await this.#store.unfinished(this.#hostId)) {
      const ended = { ...record, status: 'Failed' as const, finishedAt: now(), httpStatus: ABANDONED.status, result: ABANDONED.body };
      await this.#store.finish(record.id, { status: 'Failed', finishedAt: ended.finishedAt, answer: ABANDONED }, { seq: lastSeq + 1, type: 'done', data: doneData(ended) });
    }
    await this.#retention.start();
  }

  /**
   * The operation a call with an Idempotency-Key repeats, if one used the key within 24 h.
   * @throws IdempotencyKeyReusedError when that call sent something else.
   */
  async earlier(claim: IdempotencyClaim): Promise<OperationRecord | null> {
    const found = await this.#store.findByKey(claim.keyHash);
    if (found === null) return null;
    if (Date.parse(found.createdAt) < Date.now() - IDEMPOTENCY_WINDOW_MS) {
      await this.#store.releaseKey(claim.keyHash, new Date(Date.now() - IDEMPOTENCY_WINDOW_MS).toISOString());
      return null;
    }
    if (found.requestHash !== claim.requestHash) {
      throw new IdempotencyKeyReusedError('This Idempotency-Key was already used with another request; send a new key for a new request.');
    }
    return found.record;
  }

  /**
   * Creates an operation (Queued). With a claim, the key may have been taken meanwhile by a
   * duplicate sent at the same time: then that operation is returned instead.
   */
  async create(kind: OperationRecordKind, owner: string, claim: IdempotencyClaim | null, intent: Intent = NO_INTENT): Promise<{ created: OperationRecord } | { earlier: OperationRecord }> {
    const record: OperationRecord = { id: randomUUID(), kind, status: 'Queued', owner, createdAt: now(), startedAt: null, finishedAt: null, httpStatus: null, result: null, intent };
    try {
      await this.#store.insert({ id: record.id, kind, owner, hostId: this.#hostId, createdAt: record.createdAt, intent, idempotency: claim });
    } catch (err) {
      const earlier = claim !== null && isUniqueViolation(err) ? await this.earlier(claim) : null;
      if (earlier === null) throw err;
      return { earlier };
    }
    const { promise: finished, resolve } = deferred<OperationRecord>();
    this.#live.set(record.id, { record, events: [], unwritten: [], listeners: new Set(), flushTimer: null, writing: Promise.resolve(), finished, resolve });
    return { created: record };
  }

  /**
   * Runs the work of an operation `create` made, reporting its events, and records its answer.
   * Never throws: `work` turns its own failures into answers.
   */
  run(id: string, work: (report: OperationReporter) => Promise<OperationAnswer>): Promise<OperationRecord> {
    const live = this.#live.get(id);
    if (live === undefined) throw new Error(`operation ${id} is not one this host created`);
    const ran = (async () => {
      // The work starts on the next turn of the event loop, once the caller's answer (an
      // asynchronous hook's 202) is written: on SQLite the store's writes run synchronously
      // and would otherwise hold that answer back.
      await new Promise<void>((next) => setImmediate(next));
      const startedAt = now();
      live.record = { ...live.record, status: 'Running', startedAt };
      await this.#store.markRunning(id, startedAt).catch((err: unknown) => this.#log.warn({ operationId: id, err: errorMessage(err) }, 'could not record the start of an operation'));
      const answer = await work((type, data) => this.#emit(live, type, data));
      return this.#finish(live, answer);
    })();
    this.#running.add(ran);
    void ran.finally(() => this.#running.delete(ran));
    return ran;
  }

  #emit(live: LiveOperation, type: OperationEvent['type'], data: Readonly<Record<string, unknown>>): void {
    if (isFinished(live.record) || (type !== 'done' && live.events.length >= MAX_EVENTS)) return;
    const event: OperationEvent = { seq: live.events.length + 1, type, data };
    live.events.push(event);
    for (const listener of live.listeners) listener(event);
    if (type === 'done') return;
    live.unwritten.push(event);
    live.flushTimer ??= setTimeout(() => this.#flush(live), FLUSH_MS);
  }

  /** Writes the events not written yet; a failed write loses only progress, never the answer. */
  #flush(live: LiveOperation): Promise<void> {
    if (live.flushTimer !== null) clearTimeout(live.flushTimer);
    live.flushTimer = null;
    const batch = live.unwritten;
    live.unwritten = [];
    live.writing = live.writing.then(() =>
      this.#store.appendEvents(live.record.id, batch).catch((err: unknown) => this.#log.warn({ operationId: live.record.id, err: errorMessage(err) }, 'could not record the progress of an operation')),
    );
    return live.writing;
  }

  async #finish(live: LiveOperation, answer: OperationAnswer): Promise<OperationRecord> {
    const status = answer.status < 400 ? 'Succeeded' : 'Failed';
    const record: OperationRecord = { ...live.record, status, finishedAt: now(), httpStatus: answer.status, result: answer.body };
    await this.#flush(live);
    const done: OperationEvent = { seq: live.events.length + 1, type: 'done', data: doneData(record) };
    try {
      await this.#store.finish(record.id, { status, finishedAt: record.finishedAt ?? now(), answer }, done);
    } catch (err) {
      this.#log.error({ operationId: record.id, err: errorMessage(err) }, 'could not record how an operation ended');
    }
    this.#emit(live, 'done', done.data);
    live.record = record;
    this.#live.delete(record.id);
    live.resolve(record);
    return record;
  }

  /** An operation as it stands: from memory while this host runs it, else from the store. */
  async get(id: string): Promise<OperationRecord | null> {
    return this.#live.get(id)?.record ?? (await this.#store.get(id));
  }

  /** Waits until the operation finished (polling the store when another host runs it). */
  async waitFinished(id: string): Promise<OperationRecord> {
    for (;;) {
      const live = this.#live.get(id);
      if (live !== undefined) return live.finished;
      const record = await this.#store.get(id);
      if (record === null) throw new Error(`operation ${id} is gone`);
      if (isFinished(record)) return record;
      await sleep(POLL_MS);
    }
  }

  /**
   * Follows an operation this host runs: the events after `afterSeq` are returned and every
   * later one goes to `listener` until the operation ends (`done`) or `stop` is called. `null`
   * when this host does not run it: read it with `eventsAfter` instead.
   */
  follow(id: string, afterSeq: number, listener: OperationListener): { backlog: OperationEvent[]; stop: () => void } | null {
    const live = this.#live.get(id);
    if (live === undefined) return null;
    live.listeners.add(listener);
    return { backlog: live.events.slice(afterSeq), stop: () => live.listeners.delete(listener) };
  }

  /** The stored events after `afterSeq`, waiting up to a poll interval when there are none. */
  async eventsAfter(id: string, afterSeq: number, wait: boolean): Promise<OperationEvent[]> {
    const events = await this.#store.events(id, afterSeq);
    if (events.length > 0 || !wait) return events;
    await sleep(POLL_MS);
    return this.#store.events(id, afterSeq);
  }

  /** Waits for the operations this host runs to record their answers (the caller bounds the wait). */
  async close(): Promise<void> {
    this.#retention.stop();
    while (this.#running.size > 0) await Promise.all([...this.#running]);
  }
}

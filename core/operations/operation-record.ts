/** What a hook call is, as `GET /api/operations/:id` shows it. */
export type HookOperationKind = 'redeploy' | 'upgrade' | 'sync-sources';

export type HookOperationStatus = 'Queued' | 'Running' | 'Succeeded' | 'Failed';

/** One operation: a hook call that ran, with the answer the synchronous call gives. */
export interface OperationRecord {
  readonly id: string;
  readonly kind: HookOperationKind;
  readonly status: HookOperationStatus;
  /** Who started it: `apiKey:<id>`, `user:<id>` or `plugin:<instance>:<hash>`. */
  readonly owner: string;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  /** The status the synchronous call answers; `null` until it finished. */
  readonly httpStatus: number | null;
  /** The body the synchronous call answers; `null` until it finished. */
  readonly result: Readonly<Record<string, unknown>> | null;
}

/** The answer an operation ends with. */
export interface OperationAnswer {
  readonly status: number;
  readonly body: Readonly<Record<string, unknown>>;
}

/** What followers of an operation receive, in order; `done` is always the last. */
export type OperationEventType = 'progress' | 'log' | 'done';

export interface OperationEvent {
  /** From 1, per operation: the event's SSE `id:`. */
  readonly seq: number;
  readonly type: OperationEventType;
  readonly data: Readonly<Record<string, unknown>>;
}

/** An operation has ended and will not change any more. */
export const isFinished = (record: Pick<OperationRecord, 'status'>): boolean => record.status === 'Succeeded' || record.status === 'Failed';

/** The `done` event's data for a finished operation. */
export const doneData = (record: OperationRecord): Record<string, unknown> => ({ status: record.status, httpStatus: record.httpStatus, result: record.result });

import type { CallerProgress } from '../auth/caller.js';
import type { Intent } from '../hooks/intent.js';
import type { ContainerAction } from '../hooks/runtime.js';

/** What a hook call is, as `GET /api/operations/:id` shows it. */
export type HookOperationKind = 'redeploy' | 'upgrade' | 'sync-sources';

/** What an operation is: a hook call, or a stop, start or restart a signed-in operator asked for. */
export type OperationRecordKind = HookOperationKind | ContainerAction;

export type HookOperationStatus = 'Queued' | 'Running' | 'Succeeded' | 'Failed';

/** One operation: a call that ran (see {@link OperationRecordKind}), with the answer the synchronous call gives. */
export interface OperationRecord {
  readonly id: string;
  readonly kind: OperationRecordKind;
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
  /** Why the caller asked (each field `null` when not given). */
  readonly intent: Intent;
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

/** A `progress` event's data for a step as it happens. */
export const progressData = (event: CallerProgress): Record<string, unknown> => ({ service: event.service, step: event.step, message: event.message, at: new Date().toISOString() });

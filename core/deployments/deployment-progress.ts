import type { DeployOperation, DeployProgress } from '../hooks/deploy-plan.js';

/** One step a runtime reported, numbered so that a poller can ask for what came after it. */
export interface ProgressEvent extends DeployProgress {
  /** Increases across every operation the host ran since it started; never reused. */
  readonly seq: number;
  readonly at: string;
}

/** The steps of a deployment's latest operation, as `GET /api/deployments/:id/progress` shows them. */
export interface OperationProgress {
  readonly operation: DeployOperation;
  /** The request that started it (the caller's `X-Request-Id` when it sent one); `null` for the host itself. */
  readonly requestId: string | null;
  readonly inProgress: boolean;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  /** Events no longer held: the oldest go first when an operation reports more than the buffer holds. */
  readonly dropped: number;
  readonly events: readonly ProgressEvent[];
}

/** Where a runtime's steps for one operation go, and how the operation is closed. */
export interface ProgressRecorder {
  report(event: DeployProgress): void;
  finish(): void;
}

/** How much is kept in memory. */
export interface ProgressLimits {
  /** Events held per operation. */
  readonly eventsPerOperation: number;
  /** Finished operations kept for late readers; operations in flight are always kept. */
  readonly finishedOperations: number;
}

export const DEFAULT_PROGRESS_LIMITS: ProgressLimits = { eventsPerOperation: 200, finishedOperations: 100 };

interface Entry {
  operation: DeployOperation;
  requestId: string | null;
  inProgress: boolean;
  startedAt: string;
  finishedAt: string | null;
  dropped: number;
  events: ProgressEvent[];
}

/**
 * The steps runtimes report for the latest operation of each deployment, in memory and bounded,
 * so a client waiting for a deploy can show them while it runs. A finished operation stays
 * readable until a newer one replaces it or too many others finished after it.
 */
export class DeploymentProgress {
  readonly #limits: ProgressLimits;
  /** Operations in flight, and finished ones in the order they finished: the first are the oldest. */
  readonly #entries = new Map<string, Entry>();
  #seq = 0;

  constructor(limits: ProgressLimits = DEFAULT_PROGRESS_LIMITS) {
    this.#limits = limits;
  }

  /**
   * Starts recording an operation on `deploymentId`. An operation of the same request continues
   * the events of the one before (an upgrade and its rollback read as one story); any other
   * replaces them.
   */
  begin(deploymentId: string, operation: DeployOperation, requestId: string | null): ProgressRecorder {
    const previous = this.#entries.get(deploymentId);
    const continued = previous !== undefined && previous.requestId !== null && previous.requestId === requestId;
    const entry: Entry = {
      operation,
      requestId,
      inProgress: true,
      startedAt: continued ? previous.startedAt : new Date().toISOString(),
      finishedAt: null,
      dropped: continued ? previous.dropped : 0,
      events: continued ? previous.events : [],
    };
    this.#entries.delete(deploymentId);
    this.#entries.set(deploymentId, entry);
    return {
      report: (event) => {
        if (!entry.inProgress) return;
        entry.events.push({ seq: ++this.#seq, at: new Date().toISOString(), service: event.service, step: event.step, message: event.message });
        if (entry.events.length > this.#limits.eventsPerOperation) {
          entry.events.shift();
          entry.dropped += 1;
        }
      },
      finish: () => {
        if (!entry.inProgress) return;
        entry.inProgress = false;
        entry.finishedAt = new Date().toISOString();
        if (this.#entries.get(deploymentId) === entry) {
          this.#entries.delete(deploymentId);
          this.#entries.set(deploymentId, entry);
        }
        this.#evictFinished();
      },
    };
  }

  /** The latest operation of `deploymentId` with the events after `afterSeq`; `null` when none was recorded. */
  view(deploymentId: string, afterSeq = 0): OperationProgress | null {
    const entry = this.#entries.get(deploymentId);
    if (!entry) return null;
    return { ...entry, events: entry.events.filter((event) => event.seq > afterSeq) };
  }

  #evictFinished(): void {
    const finished = [...this.#entries].filter(([, entry]) => !entry.inProgress);
    for (const [id] of finished.slice(0, Math.max(0, finished.length - this.#limits.finishedOperations))) this.#entries.delete(id);
  }
}

import { setTimeout as sleep } from 'node:timers/promises';
import { DeploymentFailedError, errorMessage } from '../../core/plugin-api.js';

/** A signal bounded by a deadline and a time limit of its own. */
export interface LimitedSignal {
  readonly signal: AbortSignal;
  /** Frees its timer; call when the wait it bounds is over. */
  release(): void;
}

/**
 * The time one plan may take: the operation's one deadline, which the host hands over as the
 * deploy context's signal. Every wait of the runtime goes through it.
 */
export class DeployDeadline {
  readonly #host: AbortSignal;

  constructor(hostSignal: AbortSignal) {
    this.#host = hostSignal;
  }

  /** Aborts when the host aborts the operation (its deadline passed, or the host is stopping). */
  get signal(): AbortSignal {
    return this.#host;
  }

  get expired(): boolean {
    return this.#host.aborted;
  }

  /** Why the deadline ended, as the end of a sentence. */
  get reason(): string {
    return abortedBecause(this.#host);
  }

  /** The failure to report when the deadline ends during `what` (e.g. `Pulling image 'x'`). */
  failure(what: string): DeploymentFailedError {
    return new DeploymentFailedError(`${what}: ${this.reason}.`);
  }

  /** Throws {@link failure} once the deadline has ended. */
  check(what: string): void {
    if (this.expired) throw this.failure(what);
  }

  /** A signal that aborts with this deadline or after `ms`, whichever comes first. */
  within(ms: number): LimitedSignal {
    return limitSignal(this.signal, ms);
  }

  /** Waits `ms` between two polls; `false` when the deadline ended first. */
  async pause(ms: number): Promise<boolean> {
    try {
      await sleep(ms, undefined, { signal: this.signal });
      return true;
    } catch {
      return false;
    }
  }
}

/** Why the host aborted a deploy through `signal`, as the end of a sentence. */
export function abortedBecause(signal: AbortSignal): string {
  return `the deploy was aborted (${errorMessage(signal.reason)})`;
}

/**
 * `AbortSignal.any([parent, AbortSignal.timeout(ms)])` by hand: on Node 20 the timeout signal
 * inside `any` can be garbage-collected before it fires, and the deadline would never end.
 */
function limitSignal(parent: AbortSignal, ms: number): LimitedSignal {
  const controller = new AbortController();
  const onParentAbort = () => controller.abort(parent.reason);
  const timer = setTimeout(() => controller.abort(new Error(`time limit of ${ms} ms passed`)), ms);
  if (parent.aborted) onParentAbort();
  else parent.addEventListener('abort', onParentAbort, { once: true });
  return {
    signal: controller.signal,
    release: () => {
      clearTimeout(timer);
      parent.removeEventListener('abort', onParentAbort);
    },
  };
}

import { setTimeout as sleep } from 'node:timers/promises';
import { HostUnreachableError, type HostAnswer } from './host-client.js';
import { backoffDelay, isRetryableStatus, retryAfterDelay, type RetryPolicy } from './retry-policy.js';

/** Told before each retry, so the pipeline log shows why it waits. */
export interface RetryNotice {
  /** The attempt that just failed (from 1). */
  readonly attempt: number;
  readonly attempts: number;
  readonly delayMs: number;
  readonly reason: string;
}

/** The answer that ended the attempts, and what came before it. */
export interface RetriedAnswer {
  readonly answer: HostAnswer;
  /** How many attempts were made. */
  readonly attempts: number;
  /**
   * Whether an earlier attempt failed after its request was sent (a lost answer, a 502): the
   * host may have carried it out, so the final answer can describe the state that attempt made.
   */
  readonly afterUncertainFailure: boolean;
}

export interface SendWithRetryOptions {
  readonly policy: RetryPolicy;
  readonly onRetry?: (notice: RetryNotice) => void;
  readonly random?: () => number;
}

/**
 * Calls `send` until it gets an answer that is not worth retrying, or the attempts run out.
 * Retried: transient network failures (refused, reset, timed out) and 502/503, waiting
 * `Retry-After` when the host sends it, else an exponential backoff with jitter. Anything else
 * (every 4xx, 500) is returned at once. When the attempts run out, the last answer is
 * returned, or the last network failure thrown.
 */
export async function sendWithRetry(send: () => Promise<HostAnswer>, options: SendWithRetryOptions): Promise<RetriedAnswer> {
  const { policy, onRetry, random } = options;
  const attempts = Math.max(1, policy.attempts);
  let uncertain = false;
  for (let attempt = 1; ; attempt++) {
    let delayMs: number;
    let reason: string;
    try {
      const answer = await send();
      if (!isRetryableStatus(answer.status) || attempt >= attempts) return { answer, attempts: attempt, afterUncertainFailure: uncertain };
      // A 503 is "not served"; a 502 may come from a proxy whose upstream broke mid-request.
      uncertain ||= answer.status === 502;
      const retryAfter = retryAfterDelay(headerValue(answer.headers['retry-after']));
      delayMs = retryAfter ?? backoffDelay(attempt, policy, random);
      const said = typeof answer.body['message'] === 'string' ? `: ${answer.body['message']}` : '';
      reason = `HTTP ${answer.status} ${answer.statusText}${said}`.trim();
    } catch (err) {
      if (!(err instanceof HostUnreachableError) || !err.transient || attempt >= attempts) throw err;
      uncertain ||= err.phase === 'response';
      delayMs = backoffDelay(attempt, policy, random);
      reason = err.message;
    }
    onRetry?.({ attempt, attempts, delayMs, reason });
    await sleep(delayMs);
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

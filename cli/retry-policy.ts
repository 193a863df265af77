/** How a pipeline call is retried; see {@link sendWithRetry}. */
export interface RetryPolicy {
  /** Attempts in all, the first one included (1 = never retry). */
  readonly attempts: number;
  /** Delay before the first retry; each further retry doubles it. */
  readonly baseDelayMs: number;
  /** No computed delay is longer than this. */
  readonly maxDelayMs: number;
}

/** The defaults: five attempts over roughly fifteen seconds, enough for a host or proxy restart. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 5, baseDelayMs: 1_000, maxDelayMs: 30_000 };

/** The longest `Retry-After` honoured; a host asking for more is waited for this long. */
export const MAX_RETRY_AFTER_MS = 300_000;

/**
 * Statuses worth another attempt: 502 and 503 mean a proxy or the host could not serve the
 * request now. Never 4xx (the request is wrong or refused) nor 500 (the host failed doing it:
 * a retry could repeat a half-done operation, and would most likely fail the same way).
 */
export function isRetryableStatus(status: number): boolean {
  return status === 502 || status === 503;
}

/**
 * Exponential backoff with "equal jitter": half the doubled delay is fixed, half random, so
 * pipelines failing at the same moment do not all come back at the same moment either.
 * `retry` counts from 1 (the delay before the second attempt).
 */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/**
 * The delay a `Retry-After` header asks for (seconds, or an HTTP date), capped at
 * {@link MAX_RETRY_AFTER_MS}; `null` when the header is absent or unreadable.
 */
export function retryAfterDelay(header: string | undefined, now: number = Date.now()): number | null {
  if (header === undefined || header.trim() === '') return null;
  const value = header.trim();
  const ms = /^\d+$/.test(value) ? Number(value) * 1_000 : Date.parse(value) - now;
  if (Number.isNaN(ms)) return null;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms));
}

import test from 'ava';
import { backoffDelay, isRetryableStatus, MAX_RETRY_AFTER_MS, retryAfterDelay } from '../../cli/retry-policy.js';

const policy = { attempts: 5, baseDelayMs: 1_000, maxDelayMs: 30_000 };

test('the backoff doubles with each retry and its jitter stays within the upper half', (t) => {
  t.deepEqual([1, 2, 3, 4].map((retry) => backoffDelay(retry, policy, () => 0)), [500, 1_000, 2_000, 4_000]);
  t.deepEqual([1, 2, 3, 4].map((retry) => backoffDelay(retry, policy, () => 1)), [1_000, 2_000, 4_000, 8_000]);
});

test('the backoff never exceeds the maximum delay', (t) => {
  t.is(backoffDelay(20, policy, () => 1), 30_000);
});

test('only 502 and 503 are retryable statuses', (t) => {
  t.deepEqual([400, 401, 403, 404, 409, 429, 500, 502, 503, 504].filter(isRetryableStatus), [502, 503]);
});

test('Retry-After is read as seconds or as an HTTP date, and capped', (t) => {
  const now = Date.parse('2026-11-27T10:00:00Z');
  t.is(retryAfterDelay('5', now), 5_000);
  t.is(retryAfterDelay('Fri, 27 Nov 2026 10:00:30 GMT', now), 30_000);
  t.is(retryAfterDelay('Fri, 27 Nov 2026 09:00:00 GMT', now), 0);
  t.is(retryAfterDelay('86400', now), MAX_RETRY_AFTER_MS);
  t.is(retryAfterDelay('soon', now), null);
  t.is(retryAfterDelay(undefined, now), null);
});

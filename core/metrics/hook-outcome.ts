/**
 * How a webhook call ended, as `rsgo_hook_requests_total` counts it: a small fixed set, so
 * the series stay few whatever callers send.
 */
export const hookOutcomes = ['success', 'unauthorized', 'forbidden', 'rate_limited', 'conflict', 'rejected', 'failed'] as const;
export type HookOutcome = (typeof hookOutcomes)[number];

/**
 * The outcome of a call answered with `status`. `workFailed`: the call was accepted and its work
 * (a deployment, a sync) failed, which a 400 of a failed deployment cannot tell by its status.
 * `rejected` is every other refusal before any work: bad input, an unknown stack or version.
 */
export function hookOutcome(status: number, workFailed = false): HookOutcome {
  if (status < 400) return 'success';
  if (workFailed || status >= 500) return 'failed';
  switch (status) {
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 409:
      return 'conflict';
    case 429:
      return 'rate_limited';
    default:
      return 'rejected';
  }
}

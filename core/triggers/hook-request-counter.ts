import type Koa from 'koa';
import type { HookOutcome } from '../metrics/hook-outcome.js';
import { hookOutcome } from '../metrics/hook-outcome.js';
import type { CountSlot } from '../metrics/slot-counter.js';
import type { RequestState } from '../http/request-state.js';
import type { WebhookEndpoint } from './webhook-endpoints.js';

/** The counters of one webhook, one per outcome. */
export type HookRequestSlots = Readonly<Record<HookOutcome, CountSlot>>;

/** `/api/hooks/redeploy` → `redeploy`: the endpoint label of `rsgo_hook_requests_total`. */
export const endpointLabel = (endpoint: WebhookEndpoint): string => endpoint.path.slice(endpoint.path.lastIndexOf('/') + 1);

/** The router's own matching: letter case and one trailing slash do not matter. */
const routedPath = (path: string): string => (path.endsWith('/') ? path.slice(0, -1) : path).toLowerCase();

/**
 * Counts every call of a webhook by its outcome: an observer around the request frame, so calls
 * refused before they reach the route (a bad key, the brake) count too. The route says how a
 * failed call failed (`ctx.state.hookOutcome`); otherwise the answer's status tells. Per request
 * it costs one map lookup; counting is an addition on a slot bound at start.
 */
export function countHookRequests(endpoints: readonly WebhookEndpoint[], slotsOf: (endpoint: string) => HookRequestSlots): Koa.Middleware<RequestState> {
  const byPath = new Map(endpoints.map((endpoint) => [endpoint.path, slotsOf(endpointLabel(endpoint))]));
  const longest = Math.max(...endpoints.map((endpoint) => endpoint.path.length)) + 1;
  return (ctx, next) => {
    const slots = ctx.method !== 'POST' ? undefined : (byPath.get(ctx.path) ?? (ctx.path.length <= longest ? byPath.get(routedPath(ctx.path)) : undefined));
    // Any other request passes straight on, without a promise of this middleware's own.
    if (slots === undefined) return next();
    return next().then(() => slots[ctx.state.hookOutcome ?? hookOutcome(ctx.status)].inc());
  };
}

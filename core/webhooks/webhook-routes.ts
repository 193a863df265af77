import Router from '@koa/router';
import type { AuditRecorder } from '../audit/audit-event.js';
import { requestAuditFields } from '../audit/request-audit-fields.js';
import { AuthenticationError } from '../errors.js';
import type { HostHooks } from '../hooks/host-hooks.js';
import { INVALID_CREDENTIALS_MESSAGE, requirePermission } from '../http/authorize.js';
import { toHostError } from '../http/error-mapper.js';
import type { AppContext, RequestState } from '../http/request-state.js';
import type { HookCallDetails, WebhookEndpoint } from './webhook-endpoints.js';
import type { WebhookHandlers } from './webhook-handlers.js';

export interface WebhookRoutesOptions {
  readonly hooks: HostHooks;
  readonly handlers: WebhookHandlers;
  readonly audit: AuditRecorder;
  readonly endpoints: readonly WebhookEndpoint[];
}

/** 401, 403 and 429 are refusals; any other error is a failure of the work itself. */
const outcomeOf = (status: number) => (status < 400 ? 'success' : status === 401 || status === 403 || status === 429 ? 'denied' : 'failure');

/**
 * `POST /api/hooks/*`: for each endpoint, permission guard (401 without a principal, 403
 * naming the missing permission), then the endpoint's validation, environment resolution and
 * handler. Every call that reaches a route is audited with its outcome and duration.
 */
export function webhookRoutes({ hooks, handlers, audit, endpoints }: WebhookRoutesOptions): Router<RequestState> {
  const router = new Router<RequestState>();
  for (const endpoint of endpoints) {
    const guard = requirePermission(hooks, endpoint.permission);
    router.post(endpoint.path, async (ctx: AppContext) => {
      const started = performance.now();
      const details: HookCallDetails = { target: null, environmentId: null };
      const record = (status: number, code: string | null, message: string | null) =>
        audit.record({
          ...requestAuditFields(ctx),
          action: 'hook.call',
          outcome: outcomeOf(status),
          status,
          target: details.target,
          environmentId: details.environmentId,
          durationMs: performance.now() - started,
          code,
          message,
        });
      try {
        await guard(ctx, async () => {
          const principal = ctx.state.principal;
          if (!principal) throw new AuthenticationError(INVALID_CREDENTIALS_MESSAGE);
          ctx.body = { success: true, ...(await endpoint.run(ctx.request.body, principal, handlers, details)) };
        });
      } catch (thrown) {
        const err = toHostError(thrown);
        await record(err.status, err.code, err.expose ? err.message : null);
        throw err;
      }
      await record(ctx.status, null, null);
    });
  }
  return router;
}

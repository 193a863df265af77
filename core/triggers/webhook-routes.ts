import Router from '@koa/router';
import type { AuditEventInput } from '../audit/audit-event.js';
import type { AuditLog } from '../audit/audit-log.js';
import { requestAuditFields } from '../http/request-audit-fields.js';
import { AuthenticationError, DeploymentFailedError, type HostError } from '../errors.js';
import type { HostHooks } from '../hooks/host-hooks.js';
import { INVALID_CREDENTIALS_MESSAGE, requirePermission } from '../http/authorize.js';
import { toHostError } from '../to-host-error.js';
import type { AppContext, RequestState } from '../http/request-state.js';
import type { HookCallDetails, WebhookEndpoint } from './webhook-endpoints.js';
import type { WebhookHandlers } from './webhook-handlers.js';

export interface WebhookRoutesOptions {
  readonly hooks: HostHooks;
  readonly handlers: WebhookHandlers;
  readonly audit: Pick<AuditLog, 'record' | 'recordSoon'>;
  readonly endpoints: readonly WebhookEndpoint[];
}

/** 401, 403 and 429 are refusals; any other error is a failure of the work itself. */
const outcomeOf = (status: number) => (status < 400 ? 'success' : status === 401 || status === 403 || status === 429 ? 'denied' : 'failure');

/**
 * Whether a call was turned down before anything changed: a refusal, bad input, an unknown
 * stack, a busy lock. A failed deployment is also a 400, but work was done.
 */
const refusedBeforeWork = (err: HostError) => err.status < 500 && !(err instanceof DeploymentFailedError);

/**
 * `POST /api/hooks/*`: for each endpoint, permission guard (401 without a principal, 403
 * naming the missing permission), then the endpoint's validation, environment resolution and
 * handler. Every call that reaches a route is audited with its outcome and duration; the
 * answer waits for the audit event unless the call was refused before any work.
 */
export function webhookRoutes({ hooks, handlers, audit, endpoints }: WebhookRoutesOptions): Router<RequestState> {
  const router = new Router<RequestState>();
  for (const endpoint of endpoints) {
    const guard = requirePermission(hooks, endpoint.permission);
    router.post(endpoint.path, async (ctx: AppContext) => {
      const started = performance.now();
      const details: HookCallDetails = { target: null, environmentId: null };
      const event = (status: number, code: string | null, message: string | null): AuditEventInput => ({
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
          ctx.body = { success: true, ...(await endpoint.run(ctx.request.body, { principal, requestId: ctx.state.requestId }, handlers, details)) };
        });
      } catch (thrown) {
        const err = toHostError(thrown);
        const failed = event(err.status, err.code, err.expose ? err.message : null);
        // Nothing happened that the answer must not outrun: the event is written moments later.
        if (refusedBeforeWork(err)) audit.recordSoon(failed);
        else await audit.record(failed);
        throw err;
      }
      await audit.record(event(ctx.status, null, null));
    });
  }
  return router;
}

import type { AuditEventInput } from '../audit/audit-event.js';
import type { AuditLog } from '../audit/audit-log.js';
import { requestAuditFields } from '../http/request-audit-fields.js';
import { DeploymentFailedError, type HostError } from '../errors.js';
import { permittedPrincipal } from '../http/authorize.js';
import { readBody } from '../http/body-limit.js';
import { answerError } from '../http/error-mapper.js';
import { toHostError } from '../to-host-error.js';
import type { AppContext } from '../http/request-state.js';
import { defineRoute, type RouteDefinition } from '../http/route-table.js';
import type { Logger } from '../logger.js';
import { hookOutcome } from '../metrics/hook-outcome.js';
import type { HookCallDetails, WebhookEndpoint } from './webhook-endpoints.js';
import type { WebhookHandlers } from './webhook-handlers.js';

export interface WebhookRoutesOptions {
  readonly handlers: WebhookHandlers;
  readonly audit: Pick<AuditLog, 'record' | 'recordSoon'>;
  readonly endpoints: readonly WebhookEndpoint[];
  /** Where a failed call's error is logged, as the app logs every error. */
  readonly log: Logger;
}

/** 401, 403 and 429 are refusals; any other error is a failure of the work itself. */
const outcomeOf = (status: number) => (status < 400 ? 'success' : status === 401 || status === 403 || status === 429 ? 'denied' : 'failure');

/**
 * Whether a call was turned down before anything changed: a refusal, bad input, an unknown
 * stack, a busy lock. A failed deployment is also a 400, but work was done.
 */
const refusedBeforeWork = (err: HostError) => err.status < 500 && !(err instanceof DeploymentFailedError);

/**
 * The audit event of one hook call. Written out field by field, not spread: V8 (Node 20) gives
 * an object literal that adds fields after a spread a shape of its own every time, which cost
 * about a microsecond per field here and made every reader of the event slow.
 */
function hookCallEvent(ctx: AppContext, started: number, details: HookCallDetails, status: number, code: string | null, message: string | null): AuditEventInput {
  const { actor, clientIp, endpoint } = requestAuditFields(ctx);
  return {
    actor,
    clientIp,
    endpoint,
    action: 'hook.call',
    outcome: outcomeOf(status),
    status,
    target: details.target,
    environmentId: details.environmentId,
    durationMs: performance.now() - started,
    code,
    message,
    intent: details.intent,
  };
}

/**
 * `POST /api/hooks/*`: for each endpoint, the permission check on the principal the app's
 * authentication found (401 without one, 403 naming the missing permission), then the
 * endpoint's validation, environment resolution and handler. Every call that reaches a route
 * is audited with its outcome and duration; the answer waits for the audit event unless the
 * call was refused before any work. A failed call is answered here (`answerError`), not thrown
 * on through the app's middleware: it has been audited, and nothing outside adds to it.
 */
export function webhookRoutes({ handlers, audit, endpoints, log }: WebhookRoutesOptions): RouteDefinition[] {
  return endpoints.map((endpoint) =>
    defineRoute({
      method: 'post',
      path: endpoint.path,
      tag: 'Hooks',
      summary: endpoint.summary,
      auth: { kind: 'apiKey', permission: endpoint.permission },
      ...(endpoint.body && { body: endpoint.body }),
      answers: {
        200: '`{success:true, message, ...}`',
        400: 'Bad input, or the deployment failed.',
        401: 'Invalid or missing API key.',
        403: `The key lacks '${endpoint.permission}' or is scoped to another environment.`,
        404: 'No such deployment, stack or environment.',
        409: 'The stack is busy.',
      },
      async handle(ctx: AppContext) {
        const started = performance.now();
        const details: HookCallDetails = { target: null, environmentId: null, intent: null };
        try {
          const principal = permittedPrincipal(ctx, endpoint.permission);
          // Only an allowed caller's body is read (slow bodies cannot hold the host for strangers).
          await readBody(ctx);
          ctx.body = { success: true, ...(await endpoint.run(ctx.request.body, { principal, requestId: ctx.state.requestId }, handlers, details)) };
        } catch (thrown) {
          const err = toHostError(thrown);
          const failed = hookCallEvent(ctx, started, details, err.status, err.code, err.expose ? err.message : null);
          const refused = refusedBeforeWork(err);
          ctx.state.hookOutcome = hookOutcome(err.status, !refused);
          // Nothing happened that the answer must not outrun: the event is written moments later.
          if (refused) audit.recordSoon(failed);
          else await audit.record(failed);
          answerError(ctx, err, log);
          return;
        }
        await audit.record(hookCallEvent(ctx, started, details, ctx.status, null, null));
      },
    }),
  );
}

import type { AuditEventInput } from '../audit/audit-event.js';
import type { AuditLog } from '../audit/audit-log.js';
import { requestAuditFields } from '../http/request-audit-fields.js';
import type { CallerProgress } from '../auth/caller.js';
import { DeploymentFailedError, errorMessage, type HostError } from '../errors.js';
import { permittedPrincipal } from '../http/authorize.js';
import { readBody } from '../http/body-limit.js';
import { answerError, errorAnswer } from '../http/error-mapper.js';
import { ACCEPTED_ANSWER, acceptOperation, asyncQuery, wantsAsync } from '../http/respond-async.js';
import { boundedOutput } from '../operations/bounded-output.js';
import type { OperationJournal } from '../operations/operation-journal.js';
import { operationOwner } from '../operations/operation-owner.js';
import { isFinished, progressData, type HookOperationKind, type OperationAnswer, type OperationRecord } from '../operations/operation-record.js';
import { toHostError } from '../to-host-error.js';
import type { AppContext } from '../http/request-state.js';
import { defineRoute, type RouteDefinition } from '../http/route-table.js';
import type { Logger } from '../logger.js';
import { hookOutcome } from '../metrics/hook-outcome.js';
import { idempotencyClaim } from './idempotency-key.js';
import type { HookCallDetails, HookCaller, HookWork, WebhookEndpoint } from './webhook-endpoints.js';
import type { WebhookHandlers } from './webhook-handlers.js';

export interface WebhookRoutesOptions {
  readonly handlers: WebhookHandlers;
  readonly audit: Pick<AuditLog, 'record' | 'recordSoon'>;
  readonly endpoints: readonly WebhookEndpoint[];
  /** Where a failed call's error is logged, as the app logs every error. */
  readonly log: Logger;
  /** Where every call that runs is recorded as an operation. */
  readonly journal: OperationJournal;
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

/** The audit event of a call answered with `answer`: with its code and message when it failed. */
function answerEvent(ctx: AppContext, started: number, details: HookCallDetails, answer: OperationAnswer): AuditEventInput {
  const failed = answer.status >= 400;
  const { code, message } = answer.body;
  return hookCallEvent(ctx, started, details, answer.status, failed && typeof code === 'string' ? code : null, failed && typeof message === 'string' ? message : null);
}

/** A hook call's answer: its status, body and headers (Retry-After of a 503). */
interface HookAnswer extends OperationAnswer {
  readonly headers: Readonly<Record<string, string>>;
  /** The call was accepted and its work failed (see {@link refusedBeforeWork}), for the metrics. */
  readonly workFailed: boolean;
}

/**
 * `POST /api/hooks/*`: for each endpoint, the permission check on the principal the app's
 * authentication found (401 without one, 403 naming the missing permission), the
 * Idempotency-Key, then the endpoint's validation, environment resolution and checks. What
 * passes becomes an operation (its id is in every answer) whose work runs while the call waits,
 * or after a 202 when the caller asked not to wait. A call with a key used before by the same
 * caller with the same request gets that operation's answer (`Idempotent-Replayed: true`),
 * once it finished; in async mode its 202. Every call that reaches a route is audited with its
 * outcome and duration (an asynchronous one when it ended). A call refused before any work is
 * answered here (`answerError`), not thrown on through the app's middleware: it has been
 * audited, and nothing outside adds to it.
 */
export function webhookRoutes({ handlers, audit, endpoints, log, journal }: WebhookRoutesOptions): RouteDefinition[] {

  /** The work's answer with the operation's id, success or failure; never throws. */
  const answerOf = async (work: HookWork, caller: HookCaller, operationId: string): Promise<HookAnswer> => {
    try {
      return { status: 200, headers: {}, body: { success: true, ...(await work(caller)), operationId }, workFailed: false };
    } catch (thrown) {
      const failed = errorAnswer(thrown, caller.requestId ?? '', log);
      return { status: failed.status, headers: failed.headers, body: { ...failed.body, operationId }, workFailed: !refusedBeforeWork(toHostError(thrown)) };
    }
  };

  /** Answers a call that repeats `earlier` (same caller, key and request), and audits it. */
  const replay = async (ctx: AppContext, kind: HookOperationKind, earlier: OperationRecord, async: boolean, started: number, details: HookCallDetails): Promise<void> => {
    ctx.set('Idempotent-Replayed', 'true');
    if (async) acceptOperation(ctx, kind, earlier.id);
    else {
      const record = isFinished(earlier) ? earlier : await journal.waitFinished(earlier.id);
      ctx.status = record.httpStatus ?? 500;
      ctx.body = record.result;
    }
    await audit.record(answerEvent(ctx, started, details, { status: ctx.status, body: ctx.body as Record<string, unknown> }));
  };

  return endpoints.map((endpoint) =>
    defineRoute({
      method: 'post',
      path: endpoint.path,
      tag: 'Hooks',
      summary: endpoint.summary,
      auth: { kind: 'apiKey', permission: endpoint.permission },
      ...(endpoint.body && { body: endpoint.body }),
      query: asyncQuery,
      answers: {
        200: '`{success:true, message, operationId, ...}`',
        202: ACCEPTED_ANSWER,
        400: 'Bad input, or the deployment failed.',
        401: 'Invalid or missing API key.',
        403: `The key lacks '${endpoint.permission}' or is scoped to another environment.`,
        404: 'No such deployment, stack or environment.',
        409: 'The stack is busy.',
        422: 'The Idempotency-Key was used before with another request.',
      },
      async handle(ctx: AppContext, input) {
        const started = performance.now();
        const details: HookCallDetails = { target: null, environmentId: null, intent: null };
        try {
          const principal = permittedPrincipal(ctx, endpoint.permission);
          // Only an allowed caller's body is read (slow bodies cannot hold the host for strangers).
          await readBody(ctx);
          const owner = operationOwner(principal);
          const claim = idempotencyClaim(ctx.headers['idempotency-key'] as string | undefined, owner, endpoint.path, ctx.request.body);
          const async = wantsAsync(ctx, input.query().wait);
          const caller: HookCaller = { principal, requestId: ctx.state.requestId };
          const earlier = claim && (await journal.earlier(claim));
          if (earlier) return await replay(ctx, endpoint.kind, earlier, async, started, details);
          let work: HookWork;
          try {
            work = await endpoint.prepare(ctx.request.body, caller, handlers, details);
          } catch (err) {
            // A duplicate sent at the same time may have taken the key and changed the state
            // this call was checked against: it answers for both.
            const raced = claim && (await journal.earlier(claim));
            if (!raced) throw err;
            return await replay(ctx, endpoint.kind, raced, async, started, details);
          }
          const created = await journal.create(endpoint.kind, owner, claim, details.intent ?? undefined);
          if ('earlier' in created) return await replay(ctx, endpoint.kind, created.earlier, async, started, details);
          const operationId = created.created.id;
          let headers: HookAnswer['headers'] = {};
          let workFailed = false;
          const running = journal.run(operationId, async (report) => {
            const progress = (event: CallerProgress) => report('progress', progressData(event));
            const answer = await answerOf(work, { ...caller, progress, output: boundedOutput(report), operationId }, operationId);
            headers = answer.headers;
            workFailed = answer.workFailed;
            return answer;
          });
          if (async) {
            acceptOperation(ctx, endpoint.kind, operationId);
            running
              .then((record) => audit.record(answerEvent(ctx, started, details, { status: record.httpStatus ?? 500, body: record.result ?? {} })))
              .catch((err: unknown) => log.error({ operationId, err: errorMessage(err) }, 'could not audit an asynchronous hook call'));
            return;
          }
          const record = await running;
          ctx.status = record.httpStatus ?? 500;
          ctx.state.hookOutcome = hookOutcome(ctx.status, workFailed);
          for (const name in headers) ctx.set(name, headers[name] ?? '');
          ctx.body = record.result;
          await audit.record(answerEvent(ctx, started, details, { status: ctx.status, body: record.result ?? {} }));
        } catch (thrown) {
          const err = toHostError(thrown);
          const failed = hookCallEvent(ctx, started, details, err.status, err.code, err.expose ? err.message : null);
          const refused = refusedBeforeWork(err);
          ctx.state.hookOutcome = hookOutcome(err.status, !refused);
          // Nothing happened that the answer must not outrun: the event is written moments later.
          if (refused) audit.recordSoon(failed);
          else await audit.record(failed);
          answerError(ctx, err, log);
        }
      },
    }),
  );
}

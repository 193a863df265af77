import { z } from 'zod';
import type { Caller } from '../../auth/caller.js';
import type { Principal } from '../../hooks/principal.js';
import type { ContainerAction } from '../../hooks/runtime.js';
import type { Logger } from '../../logger.js';
import type { OperationJournal } from '../../operations/operation-journal.js';
import { operationOwner } from '../../operations/operation-owner.js';
import { progressData } from '../../operations/operation-record.js';
import { errorAnswer } from '../error-mapper.js';
import { ACCEPTED_ANSWER, acceptOperation, asyncQuery, wantsAsync } from '../respond-async.js';
import type { AuditRecorder } from '../../audit/audit-event.js';
import { deploymentView, productDeploymentView } from '../../deployments/deployment-view.js';
import type { RuntimeLogLine } from '../../hooks/runtime.js';
import type { ContainerActionRule } from '../../operations/container-action.js';
import { deploymentLogs, MAX_LOG_TAIL } from '../../operations/deployment-logs.js';
import { operateDeployment, operateProduct } from '../../operations/operate-deployment.js';
import type { OperationRunner } from '../../operations/operation-runner.js';
import { restart } from '../../operations/restart.js';
import { start } from '../../operations/start.js';
import { stop } from '../../operations/stop.js';
import { toHostError } from '../../to-host-error.js';
import { queryWholeNumber } from '../../request-schema.js';
import type { AppContext } from '../request-state.js';
import { defineRoute, type RouteDefinition } from '../route-table.js';
import type { EventStreams } from '../event-stream.js';
import { audited, callerOf, type AnsweredEarly } from './deployment-routes.js';

const tag = 'Deployments';

const capitalised = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

/** How long a request for past log lines may take. */
const LOGS_READ_MS = 30_000;

const followMessage = "Query parameter 'follow' must be true or false.";

const logsQuery = z.object({
  service: z
    .string({ error: "Query parameter 'service' must be given once." })
    .optional()
    .transform((value) => (value === undefined || value === '' ? null : value))
    .meta({ description: 'Only this service; all when absent.' }),
  tail: queryWholeNumber('tail', { fallback: 200, min: 0, max: MAX_LOG_TAIL }),
  follow: z
    .string({ error: followMessage })
    .refine((value) => value === '' || value === 'true' || value === 'false', followMessage)
    .optional()
    .transform((value) => value === 'true')
    .meta({ description: '`true`: a `text/event-stream` of `log` events until the client leaves.' }),
});

/**
 * Streams `lines` as `log` events until they end, the client leaves or the host stops (it ends
 * every open stream); a failure after the start ends it with a `done` event carrying the
 * answer the request would have had.
 */
async function followLines(ctx: AppContext, streams: EventStreams, open: (signal: AbortSignal) => Promise<AsyncIterable<RuntimeLogLine>>): Promise<void> {
  const client = new AbortController();
  // Opened before the answer starts: a bad service or a silent engine still gets its status.
  const lines = await open(client.signal);
  // The connection ends with the stream: a stopping host then has no idle connection to wait for.
  ctx.set('Connection', 'close');
  const events = streams.open(ctx);
  events.onClose(() => client.abort(new Error('the log stream ended')));
  let seq = 0;
  void (async () => {
    try {
      for await (const line of lines) events.send([{ seq: ++seq, type: 'log', data: { ...line } }]);
      events.end();
    } catch (err) {
      if (client.signal.aborted) return;
      const failure = toHostError(err);
      const result = { success: false, message: failure.expose ? failure.message : 'Reading the logs failed.', code: failure.code };
      events.send([{ seq: ++seq, type: 'done', data: { status: 'Failed', httpStatus: failure.status, result } }]);
    }
  })();
}

/**
 * Operating deployments without a redeploy, for signed-in users: stop, start and restart a
 * deployment or a whole product deployment (operations with progress events, audited, recorded
 * in history), and its containers' logs (redacted; followed as server-sent events).
 */
export function deploymentOperationRoutes(operations: OperationRunner, audit: AuditRecorder, streams: EventStreams, journal: OperationJournal, log: Logger): RouteDefinition[] {
  /**
   * Runs an action as an operation (`GET /api/operations/:id` and its events follow it) and
   * answers its result with the `operationId`; with `Prefer: respond-async` (or `?wait=false`)
   * it answers 202 at once and the audit row waits for the end.
   */
  const asOperation = async (ctx: AppContext, kind: ContainerAction, wait: 'true' | 'false' | undefined, work: (caller: Caller) => Promise<Record<string, unknown>>): Promise<void | AnsweredEarly> => {
    // A signed-in user: the route's authentication ran before.
    const owner = operationOwner(ctx.state.principal as Principal);
    const made = await journal.create(kind, owner, null);
    const operationId = 'created' in made ? made.created.id : made.earlier.id;
    let failure: { readonly thrown: unknown } | null = null;
    const ran = journal.run(operationId, async (report) => {
      const caller: Caller = { ...callerOf(ctx), operationId, progress: (event) => report('progress', progressData(event)) };
      try {
        return { status: 200, body: { success: true, ...(await work(caller)), operationId } };
      } catch (thrown) {
        failure = { thrown };
        const answer = errorAnswer(thrown, ctx.state.requestId, log);
        return { status: answer.status, body: { ...answer.body, operationId } };
      }
    });
    const settled = ran.then((record) => {
      if (failure !== null) throw failure.thrown;
      return record;
    });
    if (wantsAsync(ctx, wait)) {
      acceptOperation(ctx, kind, operationId);
      return { settled: settled.then(() => undefined) };
    }
    ctx.body = (await settled).result;
  };

  const act = (rule: ContainerActionRule): RouteDefinition[] => [
    defineRoute({
      method: 'post', path: `/api/deployments/:id/${rule.action}`, tag, auth: { kind: 'user' }, query: asyncQuery,
      summary: `${capitalised(rule.action)}s the deployment's containers as an operation (under the stack lock, recorded in history and audit).`,
      answers: { 202: ACCEPTED_ANSWER, 200: '`{success, deployment, operationId}`', 400: 'Not allowed in the deployment\'s status.', 404: 'No such deployment.' },
      handle: (ctx, input) =>
        audited(ctx, audit, `deployment.${rule.action}`, async (note) => {
          const found = await operations.records.require(ctx.params['id'] ?? '');
          note.target = found.stackName;
          note.environmentId = found.environmentId;
          return asOperation(ctx, rule.action, input.query().wait, async (caller) => {
            const deployment = await operateDeployment(operations, found.id, rule, caller);
            return { deployment: deploymentView(deployment, await operations.records.history(deployment.id)) };
          });
        }),
    }),
    defineRoute({
      method: 'post', path: `/api/product-deployments/:id/${rule.action}`, tag, auth: { kind: 'user' }, query: asyncQuery,
      summary: `${capitalised(rule.action)}s the containers of every stack of the product deployment as one operation.`,
      answers: { 202: ACCEPTED_ANSWER, 200: '`{success, productDeployment, operationId}`', 400: 'Not allowed in the deployment\'s status.', 404: 'No such product deployment.' },
      handle: (ctx, input) =>
        audited(ctx, audit, `deployment.${rule.action}Product`, async (note) => {
          const { product: found } = await operations.records.requireProduct(ctx.params['id'] ?? '');
          note.target = found.productId;
          note.environmentId = found.environmentId;
          return asOperation(ctx, rule.action, input.query().wait, async (caller) => {
            const { product, stacks } = await operateProduct(operations, found.id, rule, caller);
            return { productDeployment: productDeploymentView(product, stacks) };
          });
        }),
    }),
  ];

  return [
    ...[stop, start, restart].flatMap(act),
    defineRoute({
      method: 'get', path: '/api/deployments/:id/logs', tag, auth: { kind: 'user' }, query: logsQuery,
      summary: "The deployment's container logs (Password values masked); followed as server-sent events.",
      answers: {
        200: '`{lines:[{service, stream, at, line}]}`; with `follow=true` a `text/event-stream` of `log` events.',
        400: 'A bad query parameter or an unknown service.',
        404: 'No such deployment.',
      },
      async handle(ctx, input) {
        const query = input.query();
        const id = ctx.params['id'] ?? '';
        if (query.follow) {
          await followLines(ctx, streams, (signal) => deploymentLogs(operations, id, query, signal));
          return;
        }
        const lines: RuntimeLogLine[] = [];
        for await (const line of await deploymentLogs(operations, id, query, AbortSignal.timeout(LOGS_READ_MS))) lines.push(line);
        ctx.body = { lines };
      },
    }),
  ];
}

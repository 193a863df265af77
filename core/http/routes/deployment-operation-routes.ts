import { z } from 'zod';
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
import { audited, callerOf } from './deployment-routes.js';

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
 * deployment or a whole product deployment (audited, recorded in history), and its containers'
 * logs (redacted; followed as server-sent events).
 */
export function deploymentOperationRoutes(operations: OperationRunner, audit: AuditRecorder, streams: EventStreams): RouteDefinition[] {
  const act = (rule: ContainerActionRule): RouteDefinition[] => [
    defineRoute({
      method: 'post', path: `/api/deployments/:id/${rule.action}`, tag, auth: { kind: 'user' },
      summary: `${capitalised(rule.action)}s the deployment's containers (under the stack lock, recorded in history and audit).`,
      answers: { 200: '`{success, deployment}`', 400: 'Not allowed in the deployment\'s status.', 404: 'No such deployment.' },
      handle: (ctx) =>
        audited(ctx, audit, `deployment.${rule.action}`, async (note) => {
          const found = await operations.records.require(ctx.params['id'] ?? '');
          note.target = found.stackName;
          note.environmentId = found.environmentId;
          const deployment = await operateDeployment(operations, found.id, rule, callerOf(ctx));
          ctx.body = { success: true, deployment: deploymentView(deployment, await operations.records.history(deployment.id)) };
        }),
    }),
    defineRoute({
      method: 'post', path: `/api/product-deployments/:id/${rule.action}`, tag, auth: { kind: 'user' },
      summary: `${capitalised(rule.action)}s the containers of every stack of the product deployment.`,
      answers: { 200: '`{success, productDeployment}`', 400: 'Not allowed in the deployment\'s status.', 404: 'No such product deployment.' },
      handle: (ctx) =>
        audited(ctx, audit, `deployment.${rule.action}Product`, async (note) => {
          const { product: found } = await operations.records.requireProduct(ctx.params['id'] ?? '');
          note.target = found.productId;
          note.environmentId = found.environmentId;
          const { product, stacks } = await operateProduct(operations, found.id, rule, callerOf(ctx));
          ctx.body = { success: true, productDeployment: productDeploymentView(product, stacks) };
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

import Router from '@koa/router';
import type { AuditRecorder } from '../../audit/audit-event.js';
import { deploymentView, productDeploymentView } from '../../deployments/deployment-view.js';
import { InputError } from '../../errors.js';
import type { HostHooks } from '../../hooks/host-hooks.js';
import type { RuntimeLogLine } from '../../hooks/runtime.js';
import type { ContainerActionRule } from '../../operations/container-action.js';
import { deploymentLogs, MAX_LOG_TAIL } from '../../operations/deployment-logs.js';
import { operateDeployment, operateProduct } from '../../operations/operate-deployment.js';
import type { OperationRunner } from '../../operations/operation-runner.js';
import { restart } from '../../operations/restart.js';
import { start } from '../../operations/start.js';
import { stop } from '../../operations/stop.js';
import { toHostError } from '../../to-host-error.js';
import { requireUser } from '../authorize.js';
import { queryInteger } from '../query-integer.js';
import type { AppContext, RequestState } from '../request-state.js';
import type { EventStreams } from '../event-stream.js';
import { audited, callerOf } from './deployment-routes.js';

/** How long a request for past log lines may take. */
const LOGS_READ_MS = 30_000;

/** An optional single-valued query parameter. */
function queryText(ctx: AppContext, name: string): string | null {
  const value = ctx.query[name];
  if (value === undefined || value === '') return null;
  if (typeof value !== 'string') throw new InputError(`Query parameter '${name}' must be given once.`);
  return value;
}

/** `follow=true|false`, absent = false. */
function followOf(ctx: AppContext): boolean {
  const value = queryText(ctx, 'follow');
  if (value === null || value === 'false') return false;
  if (value === 'true') return true;
  throw new InputError(`Query parameter 'follow' must be true or false.`);
}

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
export function deploymentOperationRoutes(hooks: HostHooks, operations: OperationRunner, audit: AuditRecorder, streams: EventStreams): Router<RequestState> {
  const router = new Router<RequestState>();
  const signedIn = requireUser(hooks);

  const act = (rule: ContainerActionRule) => {
    router.post(`/api/deployments/:id/${rule.action}`, signedIn, (ctx) =>
      audited(ctx, audit, `deployment.${rule.action}`, async (note) => {
        const found = await operations.records.require(ctx.params['id'] ?? '');
        note.target = found.stackName;
        note.environmentId = found.environmentId;
        const deployment = await operateDeployment(operations, found.id, rule, callerOf(ctx));
        ctx.body = { success: true, deployment: deploymentView(deployment, await operations.records.history(deployment.id)) };
      }),
    );
    router.post(`/api/product-deployments/:id/${rule.action}`, signedIn, (ctx) =>
      audited(ctx, audit, `deployment.${rule.action}Product`, async (note) => {
        const { product: found } = await operations.records.requireProduct(ctx.params['id'] ?? '');
        note.target = found.productId;
        note.environmentId = found.environmentId;
        const { product, stacks } = await operateProduct(operations, found.id, rule, callerOf(ctx));
        ctx.body = { success: true, productDeployment: productDeploymentView(product, stacks) };
      }),
    );
  };
  [stop, start, restart].forEach(act);

  router.get('/api/deployments/:id/logs', signedIn, async (ctx) => {
    const query = {
      service: queryText(ctx, 'service'),
      tail: queryInteger(ctx.query['tail'], 'tail', { fallback: 200, min: 0, max: MAX_LOG_TAIL }),
      follow: followOf(ctx),
    };
    const id = ctx.params['id'] ?? '';
    if (query.follow) {
      await followLines(ctx, streams, (signal) => deploymentLogs(operations, id, query, signal));
      return;
    }
    const lines: RuntimeLogLine[] = [];
    for await (const line of await deploymentLogs(operations, id, query, AbortSignal.timeout(LOGS_READ_MS))) lines.push(line);
    ctx.body = { lines };
  });

  return router;
}

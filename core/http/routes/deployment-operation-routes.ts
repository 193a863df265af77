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
import { openEventStream } from '../server-sent-events.js';
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
 * Streams `lines` as `log` events until they end, the client leaves or the host stops
 * (`stopping`); a failure after the start is an `error` event.
 */
async function followLines(ctx: AppContext, stopping: AbortSignal, open: (signal: AbortSignal) => Promise<AsyncIterable<RuntimeLogLine>>): Promise<void> {
  const client = new AbortController();
  const onStop = () => client.abort(stopping.reason);
  if (stopping.aborted) onStop();
  else stopping.addEventListener('abort', onStop, { once: true });
  ctx.res.once('close', () => stopping.removeEventListener('abort', onStop));
  // Opened before the answer starts: a bad service or a silent engine still gets its status.
  const lines = await open(client.signal);
  const events = openEventStream(ctx);
  events.closed.addEventListener('abort', () => client.abort(events.closed.reason), { once: true });
  void (async () => {
    try {
      for await (const line of lines) events.send('log', line);
    } catch (err) {
      const failure = toHostError(err);
      if (!client.signal.aborted) events.send('error', { message: failure.expose ? failure.message : 'Reading the logs failed.', code: failure.code });
    } finally {
      events.end();
    }
  })();
}

/**
 * Operating deployments without a redeploy, for signed-in users: stop, start and restart a
 * deployment or a whole product deployment (audited, recorded in history), and its containers'
 * logs (redacted; followed as server-sent events).
 */
export function deploymentOperationRoutes(hooks: HostHooks, operations: OperationRunner, audit: AuditRecorder): Router<RequestState> {
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
      await followLines(ctx, operations.stopping, (signal) => deploymentLogs(operations, id, query, signal));
      return;
    }
    const lines: RuntimeLogLine[] = [];
    for await (const line of await deploymentLogs(operations, id, query, AbortSignal.timeout(LOGS_READ_MS))) lines.push(line);
    ctx.body = { lines };
  });

  return router;
}

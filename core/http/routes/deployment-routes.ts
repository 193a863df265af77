import Router from '@koa/router';
import type { Caller } from '../../auth/caller.js';
import type { AuditRecorder } from '../../audit/audit-event.js';
import { requestAuditFields } from '../request-audit-fields.js';
import { InputError } from '../../errors.js';
import type { HostHooks } from '../../hooks/host-hooks.js';
import { requireUser } from '../authorize.js';
import { toHostError } from '../../to-host-error.js';
import { isUuid, jsonObject, optionalString, optionalStringMap, type JsonObject } from '../../json-body.js';
import { queryInteger } from '../query-integer.js';
import type { AppContext, RequestState } from '../request-state.js';
import { deployProduct } from '../../operations/deploy-product.js';
import { deployStack } from '../../operations/deploy-stack.js';
import type { OperationRunner } from '../../operations/operation-runner.js';
import { removeDeployment } from '../../operations/remove.js';
import { deploymentView, liveServicesView, productDeploymentView } from '../../deployments/deployment-view.js';
import { liveStates } from '../../operations/live-states.js';

/** The signed-in user and the request, for the operation's record and progress. */
export const callerOf = (ctx: AppContext): Caller => ({ principal: ctx.state.principal ?? null, requestId: ctx.state.requestId });

/** A required string field. */
function requiredString(body: JsonObject, field: string): string {
  const value = optionalString(body, field);
  if (value === null) throw new InputError(`${field} is required.`);
  return value;
}

/** A required environment id in its canonical (lower-case UUID) form. */
function environmentIdOf(value: string): string {
  if (!isUuid(value)) throw new InputError(`Invalid EnvironmentId format: '${value}'. Must be a valid GUID.`, { code: 'INVALID_ENVIRONMENT_ID' });
  return value.toLowerCase();
}

/**
 * Runs a mutating request and records it in the audit trail with its outcome, success or not.
 * `target` names what was acted on as soon as the body is understood.
 */
export async function audited(ctx: AppContext, audit: AuditRecorder, action: string, work: (note: { target: string | null; environmentId: string | null }) => Promise<void>): Promise<void> {
  const started = performance.now();
  const note: { target: string | null; environmentId: string | null } = { target: null, environmentId: null };
  const record = (status: number, outcome: 'success' | 'failure', code: string | null, message: string | null) =>
    audit.record({ ...requestAuditFields(ctx), action, outcome, status, ...note, durationMs: performance.now() - started, code, message });
  try {
    await work(note);
  } catch (thrown) {
    const err = toHostError(thrown);
    await record(err.status, 'failure', err.code, err.expose ? err.message : null);
    throw err;
  }
  await record(ctx.status, 'success', null, null);
}

/**
 * The deployments API for signed-in users: first deploys of a stack or a whole product, the
 * records with their history (Password values masked), and removal.
 */
export function deploymentRoutes(hooks: HostHooks, operations: OperationRunner, audit: AuditRecorder): Router<RequestState> {
  const router = new Router<RequestState>();
  const signedIn = requireUser(hooks);

  router.get('/api/deployments', signedIn, async (ctx) => {
    const environmentId = typeof ctx.query['environmentId'] === 'string' && ctx.query['environmentId'] !== '' ? environmentIdOf(ctx.query['environmentId']) : undefined;
    ctx.body = { deployments: (await operations.records.list(environmentId)).map((deployment) => deploymentView(deployment)) };
  });

  router.get('/api/deployments/:id', signedIn, async (ctx) => {
    const id = ctx.params['id'] ?? '';
    const deployment = await operations.records.require(id);
    // The services as the engine shows them now: state, health, restarts, start time.
    const live = liveServicesView(deployment.services, await liveStates(operations, deployment));
    ctx.body = { deployment: { ...deploymentView(deployment, await operations.records.history(id)), ...live } };
  });

  // The runtime's steps of the latest operation, for clients waiting on it; `after` skips what they saw.
  router.get('/api/deployments/:id/progress', signedIn, async (ctx) => {
    const afterSeq = queryInteger(ctx.query['after'], 'after', { fallback: 0, min: 0 });
    const id = ctx.params['id'] ?? '';
    await operations.records.require(id);
    ctx.body = { progress: operations.progress.view(id, afterSeq) };
  });

  router.post('/api/deployments', signedIn, (ctx) =>
    audited(ctx, audit, 'deployment.deploy', async (note) => {
      const body = jsonObject(ctx.request.body);
      const environmentId = environmentIdOf(requiredString(body, 'environmentId'));
      const stackName = requiredString(body, 'stackName');
      note.target = stackName;
      note.environmentId = environmentId;
      const deployment = await deployStack(
        operations,
        {
          environmentId,
          stackName,
          productId: requiredString(body, 'productId'),
          version: optionalString(body, 'version'),
          stackDefinitionName: optionalString(body, 'stackDefinitionName'),
          variables: optionalStringMap(body, 'variables'),
        },
        callerOf(ctx),
      );
      ctx.status = 201;
      ctx.body = { success: true, deploymentId: deployment.id, stackName: deployment.stackName, stackVersion: deployment.stackVersion, status: deployment.status };
    }),
  );

  router.delete('/api/deployments/:id', signedIn, (ctx) =>
    audited(ctx, audit, 'deployment.remove', async (note) => {
      const removeVolumes = ctx.query['volumes'] === 'true';
      const removed = await removeDeployment(operations, ctx.params['id'] ?? '', removeVolumes, callerOf(ctx));
      note.target = removed.stackName;
      note.environmentId = removed.environmentId;
      ctx.body = {
        success: true,
        message: `Deployment '${removed.stackName}' removed${removeVolumes ? ' with its volumes' : '; its volumes were kept'}.`,
        deploymentId: removed.id,
        status: removed.status,
      };
    }),
  );

  router.post('/api/product-deployments', signedIn, (ctx) =>
    audited(ctx, audit, 'deployment.deployProduct', async (note) => {
      const body = jsonObject(ctx.request.body);
      const environmentId = environmentIdOf(requiredString(body, 'environmentId'));
      const productId = requiredString(body, 'productId');
      note.target = productId;
      note.environmentId = environmentId;
      const { product, stacks } = await deployProduct(
        operations,
        {
          environmentId,
          productId,
          version: optionalString(body, 'version'),
          deploymentName: requiredString(body, 'deploymentName'),
          variables: optionalStringMap(body, 'variables'),
        },
        callerOf(ctx),
      );
      const view = productDeploymentView(product, stacks);
      ctx.status = 201;
      ctx.body = { success: true, productDeploymentId: product.id, status: product.status, stacks: view['stacks'], productDeployment: view };
    }),
  );

  router.get('/api/product-deployments/:id', signedIn, async (ctx) => {
    const { product, stacks } = await operations.records.requireProduct(ctx.params['id'] ?? '');
    ctx.body = { productDeployment: productDeploymentView(product, stacks) };
  });

  return router;
}

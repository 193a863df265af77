import { z } from 'zod';
import type { Caller } from '../../auth/caller.js';
import type { AuditRecorder } from '../../audit/audit-event.js';
import { requestAuditFields } from '../request-audit-fields.js';
import type { Intent } from '../../hooks/intent.js';
import { toHostError } from '../../to-host-error.js';
import { environmentIdText, intentFields, optionalEnvironmentId, optionalText, queryWholeNumber, requiredText, stringMap } from '../../request-schema.js';
import type { AppContext } from '../request-state.js';
import { defineRoute, type RouteDefinition } from '../route-table.js';
import { deployProduct } from '../../operations/deploy-product.js';
import { deployStack } from '../../operations/deploy-stack.js';
import type { OperationRunner } from '../../operations/operation-runner.js';
import { removeDeployment } from '../../operations/remove.js';
import { deploymentView, liveServicesView, productDeploymentView } from '../../deployments/deployment-view.js';
import { liveStates } from '../../operations/live-states.js';

/** The signed-in user and the request, for the operation's record and progress. */
export const callerOf = (ctx: AppContext, intent?: Intent): Caller => ({ principal: ctx.state.principal ?? null, requestId: ctx.state.requestId, ...(intent && { intent }) });

/** What the audit row of a deploying request notes as soon as the body is understood. */
interface AuditNote {
  target: string | null;
  environmentId: string | null;
  intent: Intent | null;
}

/** Work that was answered before it ended (a 202): its audit row waits for `settled`. */
export interface AnsweredEarly {
  readonly settled: Promise<void>;
}

/**
 * Runs a mutating request and records it in the audit trail with its outcome, success or not.
 * `target` names what was acted on as soon as the body is understood.
 */
export async function audited(ctx: AppContext, audit: AuditRecorder, action: string, work: (note: AuditNote) => Promise<void | AnsweredEarly>): Promise<void> {
  const started = performance.now();
  const note: AuditNote = { target: null, environmentId: null, intent: null };
  const record = (status: number, outcome: 'success' | 'failure', code: string | null, message: string | null) =>
    audit.record({ ...requestAuditFields(ctx), action, outcome, status, ...note, durationMs: performance.now() - started, code, message });
  const failed = async (thrown: unknown) => {
    const err = toHostError(thrown);
    await record(err.status, 'failure', err.code, err.expose ? err.message : null);
    return err;
  };
  let early: void | AnsweredEarly;
  try {
    early = await work(note);
  } catch (thrown) {
    throw await failed(thrown);
  }
  if (early === undefined) return record(ctx.status, 'success', null, null);
  void early.settled.then(() => record(200, 'success', null, null), failed);
}

/**
 * Notes what a deploying request acts on for its audit row, and gives the caller that carries
 * the request's intent into the operation.
 */
function deployingCaller(ctx: AppContext, note: AuditNote, target: string, { environmentId, reason, commit, pipelineUrl }: Intent & { environmentId: string }): Caller {
  note.target = target;
  note.environmentId = environmentId;
  note.intent = { reason, commit, pipelineUrl };
  return callerOf(ctx, note.intent);
}

/** `POST /api/deployments`; fields checked in this order, each with its own message. */
const deployStackBody = z.object({
  environmentId: environmentIdText(),
  stackName: requiredText('stackName'),
  productId: requiredText('productId'),
  version: optionalText('version'),
  stackDefinitionName: optionalText('stackDefinitionName'),
  variables: stringMap('variables'),
  ...intentFields,
});

/** `POST /api/product-deployments`. */
const deployProductBody = z.object({
  environmentId: environmentIdText(),
  productId: requiredText('productId'),
  version: optionalText('version'),
  deploymentName: requiredText('deploymentName'),
  variables: stringMap('variables'),
  ...intentFields,
});

const listQuery = z.object({ environmentId: optionalEnvironmentId() });
const progressQuery = z.object({ after: queryWholeNumber('after', { fallback: 0, min: 0 }) });
const removeQuery = z.object({ volumes: z.enum(['true', 'false']).optional().meta({ description: "'true' removes the stack's volumes too." }) });

const tag = 'Deployments';
const notFound = 'No such deployment.';

/**
 * The deployments API for signed-in users: first deploys of a stack or a whole product, the
 * records with their history (Password values masked), and removal.
 */
export function deploymentRoutes(operations: OperationRunner, audit: AuditRecorder): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get', path: '/api/deployments', tag, auth: { kind: 'user' }, query: listQuery,
      summary: 'The deployments, optionally of one environment.',
      answers: { 200: '`{deployments}`' },
      async handle(ctx, input) {
        const { environmentId } = input.query();
        ctx.body = { deployments: (await operations.records.list(environmentId)).map((deployment) => deploymentView(deployment)) };
      },
    }),
    defineRoute({
      method: 'get', path: '/api/deployments/:id', tag, auth: { kind: 'user' },
      summary: "One deployment with its services as the engine shows them now and its history (reason, commit and pipeline URL of each operation).",
      answers: { 200: '`{deployment}` with `history`', 404: notFound },
      async handle(ctx) {
        const id = ctx.params['id'] ?? '';
        const deployment = await operations.records.require(id);
        // The services as the engine shows them now: state, health, restarts, start time.
        const live = liveServicesView(deployment.services, await liveStates(operations, deployment));
        ctx.body = { deployment: { ...deploymentView(deployment, await operations.records.history(id)), ...live } };
      },
    }),
    // The runtime's steps of the latest operation, for clients waiting on it; `after` skips what they saw.
    defineRoute({
      method: 'get', path: '/api/deployments/:id/progress', tag, auth: { kind: 'user' }, query: progressQuery,
      summary: "The runtime's steps of the deployment's latest operation.",
      answers: { 200: '`{progress}`', 404: notFound },
      async handle(ctx, input) {
        const { after } = input.query();
        const id = ctx.params['id'] ?? '';
        await operations.records.require(id);
        ctx.body = { progress: operations.progress.view(id, after) };
      },
    }),
    defineRoute({
      method: 'post', path: '/api/deployments', tag, auth: { kind: 'user' }, body: deployStackBody,
      summary: 'Deploys a catalog stack into an environment.',
      answers: { 201: '`{success, deploymentId, stackName, stackVersion, status}`', 400: 'Bad input, or the deploy failed.', 409: 'The stack is busy or already deployed.' },
      handle: (ctx, input) =>
        audited(ctx, audit, 'deployment.deploy', async (note) => {
          const body = input.body();
          const { environmentId, stackName, productId, version, stackDefinitionName, variables } = body;
          const caller = deployingCaller(ctx, note, stackName, body);
          const deployment = await deployStack(operations, { environmentId, stackName, productId, version, stackDefinitionName, variables }, caller);
          ctx.status = 201;
          ctx.body = { success: true, deploymentId: deployment.id, stackName: deployment.stackName, stackVersion: deployment.stackVersion, status: deployment.status };
        }),
    }),
    defineRoute({
      method: 'delete', path: '/api/deployments/:id', tag, auth: { kind: 'user' }, query: removeQuery,
      summary: "Removes a deployment's containers and networks (volumes only with `volumes=true`).",
      answers: { 200: '`{success, message, deploymentId, status}`', 404: notFound, 409: 'The stack is busy.' },
      handle: (ctx, input) =>
        audited(ctx, audit, 'deployment.remove', async (note) => {
          const removeVolumes = input.query().volumes === 'true';
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
    }),
    defineRoute({
      method: 'post', path: '/api/product-deployments', tag, auth: { kind: 'user' }, body: deployProductBody,
      summary: 'Deploys every stack of a catalog product into an environment.',
      answers: { 201: '`{success, productDeploymentId, status, stacks, productDeployment}`', 400: 'Bad input, or the deploy failed.', 409: 'The product is already deployed there.' },
      handle: (ctx, input) =>
        audited(ctx, audit, 'deployment.deployProduct', async (note) => {
          const body = input.body();
          const { environmentId, productId, version, deploymentName, variables } = body;
          const caller = deployingCaller(ctx, note, productId, body);
          const { product, stacks } = await deployProduct(operations, { environmentId, productId, version, deploymentName, variables }, caller);
          const view = productDeploymentView(product, stacks);
          ctx.status = 201;
          ctx.body = { success: true, productDeploymentId: product.id, status: product.status, stacks: view['stacks'], productDeployment: view };
        }),
    }),
    defineRoute({
      method: 'get', path: '/api/product-deployments/:id', tag, auth: { kind: 'user' },
      summary: 'One product deployment with a summary of each stack.',
      answers: { 200: '`{productDeployment}`', 404: 'No such product deployment.' },
      async handle(ctx) {
        const { product, stacks } = await operations.records.requireProduct(ctx.params['id'] ?? '');
        ctx.body = { productDeployment: productDeploymentView(product, stacks) };
      },
    }),
  ];
}

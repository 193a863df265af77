import { randomUUID } from 'node:crypto';
import type { Caller } from '../auth/caller.js';
import { findProductVersion, findStack } from '../deployments/catalog-stack.js';
import { checkStackName } from '../deployments/check-stack-name.js';
import type { Deployment } from '../deployments/deployment.js';
import { ConflictError } from '../errors.js';
import { requireValidVariables } from '../manifests/validate-variables.js';
import { installStack } from './install-stack.js';
import { failureAnswer } from './operation-failure.js';
import type { OperationRunner } from './operation-runner.js';

/** `POST /api/deployments`: the first deploy of one stack. */
export interface DeployStackRequest {
  readonly environmentId: string;
  readonly stackName: string;
  readonly productId: string;
  readonly version: string | null;
  readonly stackDefinitionName: string | null;
  readonly variables: Readonly<Record<string, string>>;
}

/**
 * Deploys one stack of a product for the first time, or again in place when its last deploy
 * failed. Variables are validated first (every problem listed).
 * @throws ConflictError when a deployment of that name exists and has not failed.
 * @throws DeploymentFailedError (with `deploymentId`) when the stack did not start.
 */
export async function deployStack(runner: OperationRunner, request: DeployStackRequest, caller: Caller): Promise<Deployment> {
  const environment = await runner.environment(request.environmentId);
  const stackName = checkStackName(request.stackName, 'stackName');
  await runner.catalog.upToDate();
  const target = findStack(findProductVersion(runner.catalog, request.productId, request.version), request.stackDefinitionName);
  const variables = requireValidVariables(target, request.variables);
  const deployed = await runner.locked(environment.id, stackName, `stack '${stackName}'`, async () => {
    const existing = await runner.records.findActive(environment.id, stackName);
    if (existing && existing.status !== 'Failed') {
      throw new ConflictError(`Stack '${stackName}' already exists in environment '${environment.id}'.`, { code: 'STACK_EXISTS' });
    }
    const id = existing?.id ?? randomUUID();
    const productNetwork = await runner.productNetwork(existing?.productDeploymentId ?? null);
    const plan = runner.stackPlan('deploy', { id, environment, stackName, productNetwork }, target, variables);
    const { deployment, failure } = await installStack(
      runner,
      { existing, id, plan, target, variables, productDeploymentId: existing?.productDeploymentId ?? null, stackOrder: null },
      caller,
    );
    if (failure) throw failureAnswer(failure, { deploymentId: deployment.id, status: deployment.status });
    return deployment;
  });
  // A retried stack of a product changes the product's status too.
  if (deployed.productDeploymentId) await runner.settleProduct(deployed.productDeploymentId, []);
  return deployed;
}

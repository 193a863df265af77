import type { Caller } from '../auth/caller.js';
import { teardownPlan } from '../deployments/build-deploy-plan.js';
import type { Deployment } from '../deployments/deployment.js';
import { ConflictError, DeploymentFailedError, UnavailableError } from '../errors.js';
import { deploymentTarget, triggeredBy, type OperationRunner } from './operation-runner.js';

/**
 * Stops and removes the deployment's containers (and its named volumes with `removeVolumes`);
 * the record stays, `Removed`, with its history. A removal that fails leaves the status as it
 * was and records what the engine still runs.
 * @throws NotFoundError for an unknown id, ConflictError when it is already removed.
 */
export async function removeDeployment(runner: OperationRunner, id: string, removeVolumes: boolean, caller: Caller): Promise<Deployment> {
  const found = await runner.records.require(id);
  const removed = await runner.locked(found.environmentId, found.stackName, `stack '${found.stackName}'`, async () => {
    const current = await runner.records.require(id);
    if (current.status === 'Removed') throw new ConflictError(`Deployment '${id}' is already removed.`, { code: 'ALREADY_REMOVED' });
    const environment = await runner.environments.planEnvironment(current.environmentId);
    const entry = await runner.records.startOperation(id, {
      operation: 'remove',
      status: current.status,
      triggeredBy: triggeredBy(caller.principal),
      fromVersion: current.stackVersion,
      toVersion: null,
      pending: {
        operation: 'remove',
        stackId: current.stackId,
        version: current.stackVersion,
        variables: current.variables,
        secretVariables: current.secretVariables,
        services: [],
      },
    });
    const { deployment, failure } = await runner.carryOut(teardownPlan('remove', { ...deploymentTarget(current, environment), productNetwork: await runner.productNetwork(current.productDeploymentId) }, removeVolumes), entry, caller, {
      success: () => ({
        status: 'Removed',
        message: removeVolumes ? "Removed the stack's containers, networks and volumes." : "Removed the stack's containers and networks; its volumes were kept.",
        errorMessage: null,
        services: [],
      }),
      previous: current,
      keepStatusOnFailure: true,
      failureMessage: (cause) => `Removal failed: ${cause.message}`,
    });
    if (failure instanceof UnavailableError) throw failure;
    if (failure) throw new DeploymentFailedError(`Removal failed: ${failure.message}`, { code: failure.code, fields: { deploymentId: id } });
    return deployment;
  });
  if (removed.productDeploymentId) await runner.settleProduct(removed.productDeploymentId, []);
  return removed;
}

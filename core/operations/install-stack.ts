import type { Caller } from '../auth/caller.js';
import type { CatalogStack } from '../deployments/catalog-stack.js';
import type { Deployment } from '../deployments/deployment.js';
import type { CommittedChange } from '../deployments/deployment-store.js';
import type { DeployPlan } from '../hooks/deploy-plan.js';
import { secretVariableNames } from '../manifests/validate-variables.js';
import { pendingChange, triggeredBy, type OperationResult, type OperationRunner } from './operation-runner.js';
import { pluralServices } from './plural-services.js';

/** A stack about to be deployed for the first time (or again after a failure). */
export interface Installation {
  readonly existing: Deployment | null;
  readonly id: string;
  readonly plan: DeployPlan;
  readonly target: CatalogStack;
  readonly variables: Readonly<Record<string, string>>;
  readonly productDeploymentId: string | null;
  readonly stackOrder: number | null;
}

/**
 * Creates (or reuses) the record of a first deploy, runs its plan and records how it ended. A
 * failed first deploy still shows what it tried: the target is recorded either way.
 * The caller holds the stack's lock.
 */
export async function installStack(runner: OperationRunner, installation: Installation, caller: Caller): Promise<OperationResult> {
  const { existing, id, plan, target, variables } = installation;
  const commit: CommittedChange = {
    stackId: target.stackId,
    stackDefinitionName: target.stack.name,
    version: target.product.version,
    previousVersion: existing?.previousVersion ?? null,
    variables,
    secretVariables: secretVariableNames(target.variables),
  };
  const start = {
    operation: 'deploy' as const,
    status: 'Installing' as const,
    triggeredBy: triggeredBy(caller.principal),
    intent: caller.intent,
    operationId: caller.operationId,
    fromVersion: existing?.stackVersion ?? null,
    toVersion: target.product.version,
    pending: pendingChange('deploy', commit, plan),
  };
  const entry = existing
    ? await runner.records.startOperation(id, start)
    : await runner.records.create(
        {
          id,
          environmentId: plan.environment.id,
          stackName: plan.stackName,
          stackId: target.stackId,
          productId: target.product.groupId,
          productName: target.product.name,
          stackDefinitionName: target.stack.name,
          version: target.product.version,
          variables,
          secretVariables: commit.secretVariables,
          productDeploymentId: installation.productDeploymentId,
          stackOrder: installation.stackOrder,
        },
        start,
      );
  return runner.carryOut(plan, entry, caller, {
    success: (services) => ({
      status: 'Running',
      message: `Deployed version ${commit.version}: ${pluralServices(services)} running.`,
      errorMessage: null,
      commit,
    }),
    commitOnFailure: commit,
    previous: null,
  });
}

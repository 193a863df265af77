import type { Caller } from '../auth/caller.js';
import type { CatalogStack } from '../deployments/catalog-stack.js';
import type { Deployment } from '../deployments/deployment.js';
import type { CommittedChange } from '../deployments/deployment-store.js';
import { secretVariableNames } from '../manifests/validate-variables.js';
import { pendingChange, triggeredBy, type OperationResult, type OperationRunner } from './operation-runner.js';
import { pluralServices } from './plural-services.js';

/** For a rollback: the version it leaves (the failed target) and the record's previous version to keep. */
export interface RollbackOf {
  readonly from: string;
  readonly previousVersion: string | null;
}

/**
 * Replaces the containers of `current` (locked, Running) with those of `target`: a redeploy,
 * an upgrade or a rollback. On failure the deployment stays `Running` if its containers were
 * left untouched (a pull failed), else it is `Failed`.
 */
export async function replaceContainers(
  runner: OperationRunner,
  current: Deployment,
  operation: 'redeploy' | 'upgrade' | 'rollback',
  target: CatalogStack,
  variables: Readonly<Record<string, string>>,
  caller: Caller,
  rollback: RollbackOf | null = null,
): Promise<OperationResult> {
  const environment = await runner.environments.planEnvironment(current.environmentId);
  const productNetwork = await runner.productNetwork(current.productDeploymentId);
  const plan = runner.stackPlan(operation, { id: current.id, environment, stackName: current.stackName, productNetwork }, target, variables);
  const commit: CommittedChange = {
    stackId: target.stackId,
    stackDefinitionName: target.stack.name,
    version: target.product.version,
    previousVersion: rollback ? rollback.previousVersion : operation === 'upgrade' ? current.stackVersion : current.previousVersion,
    variables,
    secretVariables: [...new Set([...current.secretVariables, ...secretVariableNames(target.variables)])],
  };
  const entry = await runner.records.startOperation(current.id, {
    operation,
    status: 'Upgrading',
    triggeredBy: triggeredBy(caller.principal),
    intent: caller.intent,
    operationId: caller.operationId,
    fromVersion: rollback?.from ?? current.stackVersion,
    toVersion: commit.version,
    pending: pendingChange(operation, commit, plan),
  });
  const messages: Record<typeof operation, (services: Parameters<typeof pluralServices>[0]) => string> = {
    redeploy: (services) => `Redeployed version ${commit.version} with fresh images: ${pluralServices(services)} running.`,
    upgrade: () => `Upgraded from ${current.stackVersion} to ${commit.version}.`,
    rollback: () => `Rolled back to ${commit.version}.`,
  };
  return runner.carryOut(plan, entry, caller, {
    success: (services) => ({ status: 'Running', message: messages[operation](services), errorMessage: null, commit }),
    previous: current,
    ...(rollback ? { fromVersion: rollback.from } : {}),
  });
}

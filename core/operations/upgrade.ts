import type { Caller } from '../auth/caller.js';
import { availableVersions, findStack } from '../deployments/catalog-stack.js';
import type { DeploymentStanding } from '../deployments/deployment.js';
import { InputError, RolledBackError, UnavailableError } from '../errors.js';
import { compareVersions } from '../manifests/product-version.js';
import { requireValidVariables } from '../manifests/validate-variables.js';
import { failureAnswer, noDeployment } from './operation-failure.js';
import type { OperationRunner } from './operation-runner.js';
import { judgedWhenSettled } from './judged-when-settled.js';
import { replaceContainers } from './replace-containers.js';

/** `POST /api/hooks/upgrade` after its body was checked. */
export interface UpgradeInput {
  readonly environmentId: string;
  readonly stackName: string;
  readonly targetVersion: string;
  readonly variables: Readonly<Record<string, string>>;
}

/** `POST /api/hooks/upgrade` 200 body, without `success`. */
export interface UpgradeResult {
  readonly message: string;
  readonly deploymentId: string;
  readonly previousVersion: string;
  readonly newVersion: string;
}

/**
 * Refuses what the spec refuses before anything changes: a deployment not running, a version
 * missing from the catalog, the same version, a downgrade.
 */
function checkUpgrade(runner: OperationRunner, current: DeploymentStanding, targetVersion: string) {
  if (current.status !== 'Running') {
    throw new InputError(`Deployment is in status '${current.status}', only running deployments can be upgraded.`, { code: 'NOT_RUNNING' });
  }
  const product = runner.catalog.find(current.productId, targetVersion);
  if (product === null) {
    throw new InputError(`Version '${targetVersion}' not found in catalog. Available versions: ${availableVersions(runner.catalog, current.productId)}`, {
      code: 'VERSION_NOT_FOUND',
    });
  }
  const order = compareVersions(product.version, current.stackVersion);
  if (order === 0) throw new InputError(`Already running version ${current.stackVersion}.`, { code: 'SAME_VERSION' });
  if (order < 0) throw new InputError(`Downgrade from ${current.stackVersion} to ${product.version} is not supported.`, { code: 'DOWNGRADE' });
  return product;
}

/** The catalog version, its stack and the merged variables an upgrade of `current` runs. */
function upgradeTarget(runner: OperationRunner, current: DeploymentStanding, { targetVersion, variables }: UpgradeInput) {
  const product = checkUpgrade(runner, current, targetVersion);
  // A single-stack product's stack is named after the product, and a new version may rename it.
  const target = findStack(product, product.manifest.stacks.length === 1 ? null : current.stackDefinitionName);
  return { product, target, merged: requireValidVariables(target, variables, current.variables) };
}

/**
 * Refuses what an upgrade would refuse before any work, without waiting for a lock (the
 * upgrade checks again under it): an unknown deployment, one not running, an unknown version,
 * the same version, a downgrade, a bad variable.
 */
export async function checkUpgradeCall(runner: OperationRunner, input: UpgradeInput): Promise<void> {
  await runner.catalog.upToDate();
  const current = await runner.records.findActiveStanding(input.environmentId, input.stackName);
  if (!current) throw noDeployment(input.stackName, input.environmentId);
  upgradeTarget(runner, judgedWhenSettled(current), input);
}

/**
 * Upgrades a running stack to another catalog version of the same product. Variables merge as
 * new version's defaults, then stored values, then `variables`. When the new version does not
 * start, the previous one is put back (rollback) and the failure says so.
 * @throws InputError for an unknown deployment or version, a stack not Running, the same version or a downgrade.
 * @throws DeploymentFailedError when the upgrade failed (rolled back or not, as its message says).
 */
export async function upgrade(runner: OperationRunner, input: UpgradeInput, caller: Caller): Promise<UpgradeResult> {
  const { environmentId, stackName } = input;
  await runner.catalog.upToDate();
  const { deployment, previousVersion } = await runner.lockedDeployment(environmentId, stackName, () => noDeployment(stackName, environmentId), async (current) => {
    const { product, target, merged } = upgradeTarget(runner, current, input);

    const upgraded = await replaceContainers(runner, current, 'upgrade', target, merged, caller);
    const fields = { deploymentId: current.id };
    if (!upgraded.failure) return { deployment: upgraded.deployment, previousVersion: current.stackVersion };
    // The runtime put the old version back itself (an orchestrator's rollback): say so, as a rollback of ours would.
    if (upgraded.untouched && upgraded.failure instanceof RolledBackError) {
      throw failureAnswer(upgraded.failure, { ...fields, status: upgraded.deployment.status }, ` Rolled back to ${current.stackVersion}.`);
    }
    // Nothing to roll back from (untouched), or no engine to roll back on (unreachable).
    if (upgraded.untouched || upgraded.failure instanceof UnavailableError) {
      throw failureAnswer(upgraded.failure, { ...fields, status: upgraded.deployment.status });
    }
    const old = runner.catalog.find(current.productId, current.stackVersion);
    if (old === null) {
      throw failureAnswer(upgraded.failure, { ...fields, status: upgraded.deployment.status }, ` Version ${current.stackVersion} is no longer in the catalog, so it could not be put back.`);
    }
    caller.progress?.({ service: null, step: 'rollback', message: `Rolling back to ${current.stackVersion}` });
    const rollback = await replaceContainers(runner, upgraded.deployment, 'rollback', findStack(old, current.stackDefinitionName), current.variables, caller, {
      from: product.version,
      previousVersion: current.previousVersion,
    });
    const status = { ...fields, status: rollback.deployment.status };
    if (!rollback.failure) throw failureAnswer(upgraded.failure, status, ` Rolled back to ${current.stackVersion}.`);
    throw failureAnswer(upgraded.failure, status, ` Rollback to ${current.stackVersion} failed: ${rollback.failure.message}`);
  });
  return {
    message: `Successfully upgraded '${deployment.stackName}' from ${previousVersion} to ${deployment.stackVersion}.`,
    deploymentId: deployment.id,
    previousVersion,
    newVersion: deployment.stackVersion,
  };
}

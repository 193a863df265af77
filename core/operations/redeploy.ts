import type { Caller } from '../auth/caller.js';
import { findProductVersion, findStack, productStacks } from '../deployments/catalog-stack.js';
import type { Deployment, DeploymentStanding, ProductDeployment } from '../deployments/deployment.js';
import type { ProductDeploymentState } from '../deployments/deployment-store.js';
import { DeploymentFailedError, InputError, type HostError } from '../errors.js';
import { checkRequestedVariables, requireValidVariables, variablesOf } from '../manifests/validate-variables.js';
import { toHostError } from '../to-host-error.js';
import { failureAnswer, noDeployment, noProductDeployment, notRunning } from './operation-failure.js';
import type { OperationResult, OperationRunner } from './operation-runner.js';
import { judgedWhenSettled } from './judged-when-settled.js';
import { replaceContainers } from './replace-containers.js';

/** What a redeploy addresses: one deployed stack, or a product deployment (all or one stack). */
export type RedeployTarget =
  | { readonly kind: 'stack'; readonly stackName: string }
  | {
      readonly kind: 'product';
      /** The product's groupId. */
      readonly productId: string;
      /** One stack of the product (case-insensitive); `null` = all of them. */
      readonly stackDefinitionName: string | null;
    };

/** `POST /api/hooks/redeploy` after its body was checked. */
export interface RedeployInput {
  /** A UUID (lower case), already checked against the key's environment scope. */
  readonly environmentId: string;
  readonly target: RedeployTarget;
  /** Overrides merged over the stored values. */
  readonly variables: Readonly<Record<string, string>>;
}

/** `POST /api/hooks/redeploy` 200 body, without `success`. */
export interface RedeployResult {
  readonly message: string;
  /** Set for a stack redeploy. */
  readonly deploymentId?: string;
  /** Set for a product redeploy. */
  readonly productDeploymentId?: string;
  /** The stack name, or the product's name. */
  readonly stackName: string;
  readonly stackVersion: string;
}

/**
 * The catalog stack `current` runs and the variables a redeploy gives it: `variables` merged
 * over its stored values. For a product redeploy the names were checked against the whole
 * product, so the stack takes only those it uses.
 * @throws InputError when it is not `Running` or a variable is invalid.
 */
function redeployTarget(runner: OperationRunner, current: DeploymentStanding, variables: Readonly<Record<string, string>>, scope: 'stack' | 'product') {
  if (current.status !== 'Running') throw notRunning(current.status);
  const target = findStack(findProductVersion(runner.catalog, current.productId, current.stackVersion), current.stackDefinitionName);
  return { target, merged: requireValidVariables(target, scope === 'product' ? variablesOf(target, variables) : variables, current.variables) };
}

/**
 * Redeploys `current` (locked) with its stored version: every image is pulled before anything
 * stops, then the containers are replaced (same deployment id and container names, new
 * containers); the merged set of variables is stored.
 */
async function redeployLocked(
  runner: OperationRunner,
  current: Deployment,
  variables: Readonly<Record<string, string>>,
  caller: Caller,
  scope: 'stack' | 'product',
): Promise<OperationResult> {
  const { target, merged } = redeployTarget(runner, current, variables, scope);
  return replaceContainers(runner, current, 'redeploy', target, merged, caller);
}

/**
 * The stacks of a product deployment a redeploy addresses: all, or the one named
 * `stackDefinitionName` (case-insensitive).
 * @throws InputError when the product deployment is not `Running`, names no such stack, or a variable is unknown.
 */
async function chosenStacks(
  runner: OperationRunner,
  product: ProductDeployment,
  target: Extract<RedeployTarget, { kind: 'product' }>,
  variables: Readonly<Record<string, string>>,
): Promise<Deployment[]> {
  if (product.status !== 'Running') throw notRunning(product.status);
  const stacks = (await runner.records.productStacks(product.id)).filter((stack) => stack.status !== 'Removed');
  const wanted = target.stackDefinitionName?.toLowerCase();
  const chosen = wanted === undefined ? stacks : stacks.filter((stack) => stack.stackDefinitionName.toLowerCase() === wanted);
  if (chosen.length === 0) throw new InputError(`Stack '${target.stackDefinitionName}' not found in this product deployment.`, { code: 'STACK_NOT_FOUND' });
  // A name any of the product's stacks uses may be sent; each stack takes the ones it uses.
  checkRequestedVariables(variables, chosen.flatMap((stack) => productStacks(runner.catalog, stack.productId, stack.stackVersion)));
  return chosen;
}

/**
 * Redeploys every stack of a running product deployment, or the one named
 * `stackDefinitionName` (case-insensitive); stacks not named keep their containers. A stack
 * that fails does not stop the others; the answer names each failure.
 */
async function redeployProduct(
  runner: OperationRunner,
  environmentId: string,
  target: Extract<RedeployTarget, { kind: 'product' }>,
  variables: Readonly<Record<string, string>>,
  caller: Caller,
): Promise<ProductDeploymentState> {
  const notFound = () => noProductDeployment(target.productId, environmentId);
  const found = await runner.records.findActiveProduct(environmentId, target.productId);
  if (!found) throw notFound();
  return runner.locked(environmentId, `product:${found.productId}`, `product '${found.productId}'`, async () => {
    const product = await runner.records.findActiveProduct(environmentId, target.productId);
    if (!product) throw notFound();
    const chosen = await chosenStacks(runner, product, target, variables);

    await runner.records.setProductStatus(product.id, 'Redeploying', null);
    const failures: string[] = [];
    for (const stack of chosen) {
      let failure: HostError | null;
      try {
        ({ failure } = await runner.lockedDeployment(environmentId, stack.stackName, () => noDeployment(stack.stackName, environmentId), (current) =>
          redeployLocked(runner, current, variables, caller, 'product'),
        ));
      } catch (err) {
        failure = toHostError(err);
      }
      if (failure) failures.push(`stack '${stack.stackDefinitionName}': ${failure.message}`);
    }
    const state = await runner.settleProduct(product.id, failures);
    if (failures.length > 0) {
      const redeployed = chosen.length - failures.length;
      throw new DeploymentFailedError(
        `Deployment failed: ${failures.join('; ')} (${redeployed} of ${chosen.length} stack(s) redeployed; product '${product.productName}' is ${state.product.status}).`,
        { fields: { productDeploymentId: product.id, status: state.product.status } },
      );
    }
    return state;
  });
}

/** `POST /api/hooks/redeploy`: a stack or a product deployment, with the seed's success messages. */
export async function redeploy(runner: OperationRunner, { environmentId, target, variables }: RedeployInput, caller: Caller): Promise<RedeployResult> {
  await runner.catalog.upToDate();
  if (target.kind === 'stack') {
    const { deployment, failure } = await runner.lockedDeployment(environmentId, target.stackName, () => noDeployment(target.stackName, environmentId), (current) =>
      redeployLocked(runner, current, variables, caller, 'stack'),
    );
    if (failure) throw failureAnswer(failure, { deploymentId: deployment.id, status: deployment.status });
    return {
      message: `Successfully triggered redeploy of '${deployment.stackName}'.`,
      deploymentId: deployment.id,
      stackName: deployment.stackName,
      stackVersion: deployment.stackVersion,
    };
  }
  const { product } = await redeployProduct(runner, environmentId, target, variables, caller);
  return {
    message: `Successfully triggered redeploy of product '${product.productName}'.`,
    productDeploymentId: product.id,
    stackName: product.productName,
    stackVersion: product.version,
  };
}

/**
 * Refuses what a redeploy would refuse before any work, without waiting for a lock: an unknown
 * deployment or stack, one not running (and not being changed by another operation), a bad variable. An asynchronous hook call answers these
 * at once; the redeploy checks them again under its lock.
 */
export async function checkRedeploy(runner: OperationRunner, { environmentId, target, variables }: RedeployInput): Promise<void> {
  await runner.catalog.upToDate();
  if (target.kind === 'stack') {
    const current = await runner.records.findActiveStanding(environmentId, target.stackName);
    if (!current) throw noDeployment(target.stackName, environmentId);
    redeployTarget(runner, judgedWhenSettled(current), variables, 'stack');
    return;
  }
  const product = await runner.records.findActiveProduct(environmentId, target.productId);
  if (!product) throw noProductDeployment(target.productId, environmentId);
  await chosenStacks(runner, judgedWhenSettled(product), target, variables);
}

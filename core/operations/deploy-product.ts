import { randomUUID } from 'node:crypto';
import type { Caller } from '../auth/caller.js';
import { catalogStack, findProductVersion, type CatalogStack } from '../deployments/catalog-stack.js';
import { checkStackName } from '../deployments/check-stack-name.js';
import type { Deployment } from '../deployments/deployment.js';
import type { ProductDeploymentState } from '../deployments/deployment-store.js';
import { productNetworkName } from '../deployments/product-network-name.js';
import { productStackName } from '../deployments/product-stack-name.js';
import { productStackOrder } from '../deployments/product-stack-order.js';
import { ConflictError, DeploymentFailedError, InputError } from '../errors.js';
import type { PlanEnvironment } from '../hooks/deploy-plan.js';
import { checkRequestedVariables, resolveVariables, variablesOf, type VariableProblem } from '../manifests/validate-variables.js';
import { toHostError } from '../to-host-error.js';
import { installStack } from './install-stack.js';
import type { OperationRunner } from './operation-runner.js';

/** `POST /api/product-deployments`: every stack of a product. */
export interface DeployProductRequest {
  readonly environmentId: string;
  readonly productId: string;
  readonly version: string | null;
  readonly deploymentName: string;
  readonly variables: Readonly<Record<string, string>>;
}

/** One stack of the product, with its deployment name and resolved values. */
interface ProductStack {
  readonly target: CatalogStack;
  readonly stackName: string;
  readonly variables: Readonly<Record<string, string>>;
  readonly order: number;
}

const stackExists = (stackName: string, environmentId: string) =>
  new ConflictError(`Stack '${stackName}' already exists in environment '${environmentId}'.`, { code: 'STACK_EXISTS' });

/**
 * Whether `existing` (the live deployment of a product stack's name) may be installed over:
 * none, or a failed stack of this very product deployment. A running stack of it is skipped
 * (`null`): a retry of a failed product deployment leaves its running stacks alone.
 * @throws ConflictError when the name belongs to something else.
 */
function installable(existing: Deployment | null, productDeploymentId: string, stackName: string, environmentId: string): boolean {
  const ours = existing !== null && existing.productDeploymentId === productDeploymentId;
  if (ours && existing.status === 'Running') return false;
  if (existing && !(ours && existing.status === 'Failed')) throw stackExists(stackName, environmentId);
  return true;
}

/** Resolves every stack's variables and deployment name; all variable problems are reported together. */
function productStacks(request: DeployProductRequest, deploymentName: string, targets: readonly CatalogStack[], productName: string): ProductStack[] {
  checkRequestedVariables(request.variables, targets);
  const problems: Array<VariableProblem & { stack: string }> = [];
  const values = targets.map((target) => {
    // A name any of the product's stacks uses may be sent; each stack takes the ones it uses.
    const resolved = resolveVariables(target.variables, [variablesOf(target, request.variables)]);
    problems.push(...resolved.problems.map((problem) => ({ ...problem, stack: target.stack.name })));
    return resolved.values;
  });
  if (problems.length > 0) {
    throw new InputError(`Invalid variables: ${problems.map((p) => `${p.stack}: ${p.message}`).join('; ')}`, { fields: { problems } });
  }
  const stacks = targets.map((target, order) => ({
    target,
    stackName: checkStackName(productStackName(deploymentName, target.stack.name), 'deploymentName'),
    variables: values[order] ?? {},
    order,
  }));
  if (new Set(stacks.map((stack) => stack.stackName)).size < stacks.length) {
    throw new InputError(`Two stacks of product '${productName}' would get the same deployment name.`);
  }
  return stacks;
}

/**
 * Installs one stack of the product under its own lock; the name is checked again there, since
 * a single-stack deploy may have taken it since the product's check.
 * @returns the failure's message, or `null` when the stack runs.
 */
async function installProductStack(
  runner: OperationRunner,
  stack: ProductStack,
  at: { environment: PlanEnvironment; productDeploymentId: string; productNetwork: string },
  caller: Caller,
): Promise<string | null> {
  const { environment, productDeploymentId, productNetwork } = at;
  try {
    return await runner.locked(environment.id, stack.stackName, `stack '${stack.stackName}'`, async () => {
      const existing = await runner.records.findActive(environment.id, stack.stackName);
      if (!installable(existing, productDeploymentId, stack.stackName, environment.id)) return null;
      const id = existing?.id ?? randomUUID();
      const plan = runner.stackPlan('deploy', { id, environment, stackName: stack.stackName, productNetwork }, stack.target, stack.variables);
      const { failure } = await installStack(
        runner,
        { existing, id, plan, target: stack.target, variables: stack.variables, productDeploymentId, stackOrder: stack.order },
        caller,
      );
      return failure?.message ?? null;
    });
  } catch (err) {
    return toHostError(err).message;
  }
}

/**
 * Deploys every stack of a product in manifest order (each after the stacks it depends on), as
 * deployments named `<deploymentName>-<stack>` on the product's network. Variables of all stacks are validated before anything starts;
 * a stack that fails (or whose name was taken meanwhile) does not stop the others, and the
 * answer says which failed. The product's status always ends settled from its stacks'.
 */
export async function deployProduct(runner: OperationRunner, request: DeployProductRequest, caller: Caller): Promise<ProductDeploymentState> {
  const environment = await runner.environment(request.environmentId);
  const deploymentName = request.deploymentName.trim();
  if (productStackName(deploymentName, 'x') === 'x') throw new InputError('deploymentName must contain a letter or digit.');
  await runner.catalog.upToDate();
  const product = findProductVersion(runner.catalog, request.productId, request.version);
  const stacks = productStacks(request, deploymentName, productStackOrder(product.manifest.stacks).map((stack) => catalogStack(product, stack)), product.name);

  return runner.locked(environment.id, `product:${product.groupId}`, `product '${product.groupId}'`, async () => {
    const active = await runner.records.findActiveProduct(environment.id, product.groupId);
    // A product deployment that did not fully start may be posted again: its failed stacks are retried.
    if (active && active.status !== 'Failed' && active.status !== 'PartiallyRunning') {
      throw new ConflictError(`Product '${product.groupId}' is already deployed in environment '${environment.id}' (product deployment '${active.id}').`, {
        code: 'PRODUCT_EXISTS',
      });
    }
    const productDeploymentId = active?.id ?? randomUUID();
    // Refused before anything is created when a name is taken now (checked again under each
    // stack's lock), or when a stack's plan cannot be built (a service without an image, a
    // malformed port or bind): each plan is built once here and again with its record's id.
    const productNetwork = productNetworkName(deploymentName);
    for (const stack of stacks) {
      installable(await runner.records.findActive(environment.id, stack.stackName), productDeploymentId, stack.stackName, environment.id);
      runner.stackPlan('deploy', { id: productDeploymentId, environment, stackName: stack.stackName, productNetwork }, stack.target, stack.variables);
    }

    if (active) await runner.records.setProductStatus(active.id, 'Installing', null);
    else {
      await runner.records.createProduct({
        id: productDeploymentId,
        environmentId: environment.id,
        productId: product.groupId,
        productName: product.name,
        version: product.version,
        deploymentName,
        status: 'Installing',
      });
    }
    // Each stack answers for itself (installProductStack never throws), so the product is
    // always settled from its stacks' statuses and never stays `Installing`.
    const failures: string[] = [];
    for (const stack of stacks) {
      const failure = await installProductStack(runner, stack, { environment, productDeploymentId, productNetwork }, caller);
      if (failure !== null) failures.push(`stack '${stack.target.stack.name}': ${failure}`);
    }
    const state = await runner.settleProduct(productDeploymentId, failures, stacks.length);
    if (failures.length > 0) {
      throw new DeploymentFailedError(`Deployment failed: ${failures.join('; ')}`, { fields: { productDeploymentId, status: state.product.status } });
    }
    return state;
  });
}

import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Caller } from '../auth/caller.js';
import type { Principal } from '../hooks/principal.js';
import { compareVersions } from '../manifests/product-version.js';
import { requireValidVariables, resolveVariables, secretVariableNames, type VariableProblem } from '../manifests/validate-variables.js';
import type { DeployPlan, PlanEnvironment } from '../hooks/deploy-plan.js';
import type { EnvironmentService } from '../environments/environment-service.js';
import {
  ConflictError, DeploymentFailedError, HostError, InputError, NotFoundError, UnavailableError, errorMessage, type ErrorBodyFields,
} from '../errors.js';
import type { HostHooks } from '../hooks/host-hooks.js';
import type { RuntimeRegistry } from '../hooks/runtime-registry.js';
import { toHostError } from '../to-host-error.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/open-store.js';
import { buildDeployPlan, teardownPlan, type PlanTarget } from '../deployments/build-deploy-plan.js';
import { availableVersions, catalogStack, findProductVersion, findStack, type CatalogLookup, type CatalogStack } from '../deployments/catalog-stack.js';
import {
  productStatusOf, type Deployment, type HistoryEntry, type OperationKind, type PendingChange, type ProductDeployment,
} from '../deployments/deployment.js';
import { DeploymentProgress, type OperationProgress } from '../deployments/deployment-progress.js';
import { DeploymentStore, type CommittedChange } from '../deployments/deployment-store.js';
import { PlanExecutor, serviceRecords } from './plan-executor.js';
import { productStackName } from '../deployments/product-stack-name.js';
import { interruptedOperation, reconcileDeployment, sameContainers } from '../deployments/reconcile-deployment.js';
import { StackLocks } from '../deployments/stack-locks.js';

/** Time limits of deployment operations. */
export interface DeploymentSettings {
  /** A whole deploy (pulls, init containers, starts, health checks) before it is given up. */
  readonly timeoutSeconds: number;
  /** How long an operation waits for another one on the same stack before a 409. */
  readonly lockWaitSeconds: number;
  /** How long a stack stays locked by a host that died during an operation. */
  readonly leaseSeconds: number;
}

export interface DeploymentServiceOptions {
  readonly store: Store;
  readonly hooks: HostHooks;
  /** The runtimes asked what runs for a deployment. */
  readonly runtimes: RuntimeRegistry;
  readonly log: Logger;
  readonly catalog: CatalogLookup;
  readonly environments: EnvironmentService;
  /** Relative bind mounts of a stack resolve below `<dataDir>/stacks/<stackName>`. */
  readonly dataDir: string;
  readonly settings: DeploymentSettings;
}

/** `POST /api/deployments`: the first deploy of one stack. */
export interface DeployStackRequest {
  readonly environmentId: string;
  readonly stackName: string;
  readonly productId: string;
  readonly version: string | null;
  readonly stackDefinitionName: string | null;
  readonly variables: Readonly<Record<string, string>>;
}

/** `POST /api/product-deployments`: every stack of a product. */
export interface DeployProductRequest {
  readonly environmentId: string;
  readonly productId: string;
  readonly version: string | null;
  readonly deploymentName: string;
  readonly variables: Readonly<Record<string, string>>;
}

/** A product deployment with its stacks in manifest order. */
export interface ProductDeploymentState {
  readonly product: ProductDeployment;
  readonly stacks: readonly Deployment[];
}

/** A successful upgrade: the deployment on its new version, and the version it left. */
export interface UpgradeOutcome {
  readonly deployment: Deployment;
  readonly previousVersion: string;
}

/** How one operation on a deployment ended: the record afterwards, and the failure if any. */
interface OperationResult {
  readonly deployment: Deployment;
  readonly failure: HostError | null;
  /** A failed operation left the recorded containers running as they were. */
  readonly untouched: boolean;
}

/** A stack about to be deployed for the first time (or again after a failure). */
interface Installation {
  readonly existing: Deployment | null;
  readonly id: string;
  readonly plan: DeployPlan;
  readonly target: CatalogStack;
  readonly variables: Readonly<Record<string, string>>;
  readonly productDeploymentId: string | null;
  readonly stackOrder: number | null;
}

/** What Docker accepts as the start of container, network and volume names. */
const stackNamePattern = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$/;

const triggeredBy = (principal: Principal | null): string => (principal ? `${principal.kind}:${principal.name}` : 'host');

const pluralServices = (n: number): string => `${n} service${n === 1 ? '' : 's'}`;

/**
 * The answer for a failed operation. The runtime's 400s and the failures of plugins become
 * `Deployment failed: <reason>`; an unreachable engine stays a 503; a plugin's deliberate
 * refusal (a 4xx veto) and the host's own bugs keep their status.
 */
function failureAnswer(failure: HostError, fields: ErrorBodyFields, suffix = ''): HostError {
  const merged = { ...failure.fields, ...fields };
  if (failure instanceof UnavailableError) return new UnavailableError(failure.message, { code: failure.code, fields: merged, headers: failure.headers });
  const deployFailure = failure.status === 400 || (failure.status >= 500 && failure.code !== 'INTERNAL');
  if (!deployFailure) return failure;
  return new DeploymentFailedError(`Deployment failed: ${failure.message}${suffix}`, { code: failure.code, fields: merged });
}

function notRunning(status: string): InputError {
  return new InputError(`Only running deployments can be redeployed. Current status: ${status}`, { code: 'NOT_RUNNING' });
}

/**
 * The failure of an operation after which the runtime could not say what runs (its engine went
 * away): a 503 that says so and that the deployment keeps its last known state.
 */
function stateUnknown(cause: HostError, inspectionError: string, previous: Deployment): UnavailableError {
  const unchecked = cause instanceof UnavailableError ? '' : ` What runs could not be checked afterwards: ${inspectionError}.`;
  const sentence = /[.!?]$/.test(cause.message) ? cause.message : `${cause.message}.`;
  return new UnavailableError(
    `${sentence}${unchecked} The deployment keeps its last known state (${previous.status}, version ${previous.stackVersion}) until the next operation.`,
    { code: cause instanceof UnavailableError ? cause.code : 'UNAVAILABLE', cause, headers: { 'Retry-After': '30', ...cause.headers } },
  );
}

function noDeployment(stackName: string, environmentId: string): InputError {
  return new InputError(`No deployment found for stack '${stackName}' in environment '${environmentId}'.`, { code: 'DEPLOYMENT_NOT_FOUND' });
}

/**
 * Deployments: first deploys of stacks and products, redeploys with fresh images, upgrades with
 * automatic rollback, removal, and recovery after a crash. Every operation on a stack holds the
 * stack's lock, runs the hook pipeline with a deadline, and records its outcome and a history
 * entry; `Password` values are never logged.
 */
export class DeploymentService {
  readonly #store: DeploymentStore;
  readonly #locks: StackLocks;
  readonly #executor: PlanExecutor;
  readonly #progress = new DeploymentProgress();
  readonly #catalog: CatalogLookup;
  readonly #environments: EnvironmentService;
  readonly #log: Logger;
  readonly #dataDir: string;
  readonly #lockWaitMs: number;
  readonly #leaseMs: number;
  readonly #closing = new AbortController();
  #recovery: Promise<void> | null = null;

  constructor(options: DeploymentServiceOptions) {
    const { settings } = options;
    this.#store = new DeploymentStore(options.store);
    this.#leaseMs = settings.leaseSeconds * 1000;
    this.#locks = new StackLocks(options.store, options.log, { leaseMs: this.#leaseMs });
    this.#executor = new PlanExecutor(options.hooks, options.runtimes, options.log, settings.timeoutSeconds);
    this.#catalog = options.catalog;
    this.#environments = options.environments;
    this.#log = options.log.child({ area: 'deployments' });
    this.#dataDir = options.dataDir;
    this.#lockWaitMs = settings.lockWaitSeconds * 1000;
  }

  // ---- reading ----

  /** @throws NotFoundError when there is no deployment with this id. */
  async get(id: string): Promise<Deployment> {
    const deployment = await this.#store.get(id);
    if (!deployment) throw new NotFoundError(`Deployment '${id}' not found.`, { code: 'DEPLOYMENT_NOT_FOUND' });
    return deployment;
  }

  history(id: string): Promise<HistoryEntry[]> {
    return this.#store.history(id);
  }

  /**
   * The steps of the deployment's latest operation (in flight or finished) after event
   * `afterSeq`; `null` when this host has run none on it since it started.
   * @throws NotFoundError when there is no deployment with this id.
   */
  async progress(id: string, afterSeq: number): Promise<OperationProgress | null> {
    await this.get(id);
    return this.#progress.view(id, afterSeq);
  }

  list(environmentId?: string): Promise<Deployment[]> {
    return this.#store.list(environmentId);
  }

  /** @throws NotFoundError when there is no product deployment with this id. */
  async getProduct(id: string): Promise<ProductDeploymentState> {
    const product = await this.#store.getProduct(id);
    if (!product) throw new NotFoundError(`Product deployment '${id}' not found.`, { code: 'PRODUCT_DEPLOYMENT_NOT_FOUND' });
    return { product, stacks: await this.#store.productStacks(id) };
  }

  // ---- first deploys ----

  /**
   * Deploys one stack of a product for the first time, or again in place when its last
   * deploy failed. Variables are validated first (every problem listed).
   * @throws ConflictError when a deployment of that name exists and has not failed.
   * @throws DeploymentFailedError (with `deploymentId`) when the stack did not start.
   */
  async deploy(request: DeployStackRequest, caller: Caller): Promise<Deployment> {
    const environment = await this.#environment(request.environmentId);
    const stackName = checkStackName(request.stackName, 'stackName');
    const target = findStack(findProductVersion(this.#catalog, request.productId, request.version), request.stackDefinitionName);
    const variables = requireValidVariables(target.variables, [request.variables]);
    const deployed = await this.#locked(environment.id, stackName, `stack '${stackName}'`, async () => {
      const existing = await this.#store.findActive(environment.id, stackName);
      if (existing && existing.status !== 'Failed') {
        throw new ConflictError(`Stack '${stackName}' already exists in environment '${environment.id}'.`, { code: 'STACK_EXISTS' });
      }
      const id = existing?.id ?? randomUUID();
      const plan = this.#stackPlan('deploy', { id, environment, stackName }, target, variables);
      const { deployment, failure } = await this.#install(
        { existing, id, plan, target, variables, productDeploymentId: existing?.productDeploymentId ?? null, stackOrder: null },
        caller,
      );
      if (failure) throw failureAnswer(failure, { deploymentId: deployment.id, status: deployment.status });
      return deployment;
    });
    // A retried stack of a product changes the product's status too.
    if (deployed.productDeploymentId) await this.#settleProduct(deployed.productDeploymentId, []);
    return deployed;
  }

  /**
   * Deploys every stack of a product in manifest order, as deployments named
   * `<deploymentName>-<stack>`. Variables of all stacks are validated before anything starts;
   * a stack that fails does not stop the others, and the answer says which failed.
   */
  async deployProduct(request: DeployProductRequest, caller: Caller): Promise<ProductDeploymentState> {
    const environment = await this.#environment(request.environmentId);
    const deploymentName = request.deploymentName.trim();
    if (productStackName(deploymentName, 'x') === 'x') throw new InputError('deploymentName must contain a letter or digit.');
    const product = findProductVersion(this.#catalog, request.productId, request.version);
    const stacks = product.manifest.stacks.map((stack) => catalogStack(product, stack));

    const problems: Array<VariableProblem & { stack: string }> = [];
    const values = stacks.map((target) => {
      const resolved = resolveVariables(target.variables, [request.variables]);
      problems.push(...resolved.problems.map((problem) => ({ ...problem, stack: target.stack.name })));
      return resolved.values;
    });
    if (problems.length > 0) {
      throw new InputError(`Invalid variables: ${problems.map((p) => `${p.stack}: ${p.message}`).join('; ')}`, { fields: { problems } });
    }
    const names = stacks.map((target) => checkStackName(productStackName(deploymentName, target.stack.name), 'deploymentName'));
    if (new Set(names).size < names.length) throw new InputError(`Two stacks of product '${product.name}' would get the same deployment name.`);

    return this.#locked(environment.id, `product:${product.groupId}`, `product '${product.groupId}'`, async () => {
      const active = await this.#store.findActiveProduct(environment.id, product.groupId);
      // A product deployment that did not fully start may be posted again: its failed stacks are retried.
      if (active && active.status !== 'Failed' && active.status !== 'PartiallyRunning') {
        throw new ConflictError(`Product '${product.groupId}' is already deployed in environment '${environment.id}' (product deployment '${active.id}').`, {
          code: 'PRODUCT_EXISTS',
        });
      }
      const productDeploymentId = active?.id ?? randomUUID();
      const installations: Installation[] = [];
      for (const [index, target] of stacks.entries()) {
        const stackName = names[index] ?? '';
        const existing = await this.#store.findActive(environment.id, stackName);
        const ours = existing !== null && existing.productDeploymentId === productDeploymentId;
        // A retry of a failed product deployment leaves its running stacks alone.
        if (ours && existing.status === 'Running') continue;
        if (existing && !(ours && existing.status === 'Failed')) {
          throw new ConflictError(`Stack '${stackName}' already exists in environment '${environment.id}'.`, { code: 'STACK_EXISTS' });
        }
        const id = existing?.id ?? randomUUID();
        const variables = values[index] ?? {};
        const plan = this.#stackPlan('deploy', { id, environment, stackName }, target, variables);
        installations.push({ existing, id, plan, target, variables, productDeploymentId, stackOrder: index });
      }

      if (active) await this.#store.setProductStatus(active.id, 'Installing', null);
      else {
        await this.#store.createProduct({
          id: productDeploymentId,
          environmentId: environment.id,
          productId: product.groupId,
          productName: product.name,
          version: product.version,
          deploymentName,
          status: 'Installing',
        });
      }
      const failures: string[] = [];
      for (const installation of installations) {
        const { failure } = await this.#locked(environment.id, installation.plan.stackName, `stack '${installation.plan.stackName}'`, () =>
          this.#install(installation, caller),
        );
        if (failure) failures.push(`stack '${installation.target.stack.name}': ${failure.message}`);
      }
      const state = await this.#settleProduct(productDeploymentId, failures);
      if (failures.length > 0) {
        throw new DeploymentFailedError(`Deployment failed: ${failures.join('; ')}`, {
          fields: { productDeploymentId, status: state.product.status },
        });
      }
      return state;
    });
  }

  /** Creates (or reuses) the record, runs the deploy plan and records how it ended. */
  async #install(installation: Installation, caller: Caller): Promise<OperationResult> {
    const { existing, id, plan, target, variables } = installation;
    const commit: CommittedChange = {
      stackId: target.stackId,
      version: target.product.version,
      previousVersion: existing?.previousVersion ?? null,
      variables,
      secretVariables: secretVariableNames(target.variables),
    };
    const start = {
      operation: 'deploy' as const,
      status: 'Installing' as const,
      triggeredBy: triggeredBy(caller.principal),
      fromVersion: existing?.stackVersion ?? null,
      toVersion: target.product.version,
      pending: pendingChange('deploy', commit, plan),
    };
    const entry = existing
      ? await this.#store.startOperation(id, start)
      : await this.#store.create(
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
    // A failed first deploy still shows what it tried: the target is recorded either way.
    return this.#carryOut(plan, entry, caller, {
      success: (count) => `Deployed version ${commit.version}: ${pluralServices(count)} running.`,
      commitOnSuccess: commit,
      commitOnFailure: commit,
      previous: null,
    });
  }

  // ---- redeploy and upgrade ----

  /**
   * Redeploys a running stack with fresh images: every image is pulled before anything stops,
   * then the containers are replaced with the stored variables merged with `variables` (the
   * merged set is stored). Same deployment id and container names, new containers.
   * @throws InputError when no such deployment exists or it is not `Running`.
   * @throws DeploymentFailedError when a pull or the start failed (a failed pull changes nothing).
   */
  async redeployStack(environmentId: string, stackName: string, variables: Readonly<Record<string, string>>, caller: Caller): Promise<Deployment> {
    return this.#lockedDeployment(environmentId, stackName, async (current) => {
      if (current.status !== 'Running') throw notRunning(current.status);
      const { deployment, failure } = await this.#redeploy(current, variables, caller);
      if (failure) throw failureAnswer(failure, { deploymentId: deployment.id, status: deployment.status });
      return deployment;
    });
  }

  /**
   * Redeploys every stack of a running product deployment, or the one named
   * `stackDefinitionName` (case-insensitive); stacks not named keep their containers. A stack
   * that fails does not stop the others; the answer names each failure.
   */
  async redeployProduct(
    environmentId: string,
    productId: string,
    stackDefinitionName: string | null,
    variables: Readonly<Record<string, string>>,
    caller: Caller,
  ): Promise<ProductDeploymentState> {
    const notFound = () =>
      new InputError(`No active product deployment found for product '${productId}' in environment '${environmentId}'.`, {
        code: 'PRODUCT_DEPLOYMENT_NOT_FOUND',
      });
    const found = await this.#store.findActiveProduct(environmentId, productId);
    if (!found) throw notFound();
    return this.#locked(environmentId, `product:${found.productId}`, `product '${found.productId}'`, async () => {
      const product = await this.#store.findActiveProduct(environmentId, productId);
      if (!product) throw notFound();
      if (product.status !== 'Running') throw notRunning(product.status);
      const stacks = (await this.#store.productStacks(product.id)).filter((stack) => stack.status !== 'Removed');
      const wanted = stackDefinitionName?.toLowerCase();
      const targets = wanted === undefined ? stacks : stacks.filter((stack) => stack.stackDefinitionName.toLowerCase() === wanted);
      if (targets.length === 0) throw new InputError(`Stack '${stackDefinitionName}' not found in this product deployment.`, { code: 'STACK_NOT_FOUND' });

      await this.#store.setProductStatus(product.id, 'Redeploying', null);
      const failures: string[] = [];
      for (const stack of targets) {
        try {
          await this.#lockedDeployment(environmentId, stack.stackName, async (current) => {
            if (current.status !== 'Running') throw notRunning(current.status);
            const { failure } = await this.#redeploy(current, variables, caller);
            if (failure) throw failure;
          });
        } catch (err) {
          failures.push(`stack '${stack.stackDefinitionName}': ${toHostError(err).message}`);
        }
      }
      const state = await this.#settleProduct(product.id, failures);
      if (failures.length > 0) {
        const redeployed = targets.length - failures.length;
        throw new DeploymentFailedError(
          `Deployment failed: ${failures.join('; ')} (${redeployed} of ${targets.length} stack(s) redeployed; product '${product.productName}' is ${state.product.status}).`,
          { fields: { productDeploymentId: product.id, status: state.product.status } },
        );
      }
      return state;
    });
  }

  /**
   * Upgrades a running stack to another catalog version of the same product. Variables merge
   * as new version's defaults, then stored values, then `variables`. When the new version does
   * not start, the previous one is put back (rollback) and the failure says so.
   * @throws InputError for an unknown deployment or version, a stack not Running, the same version or a downgrade.
   * @throws DeploymentFailedError when the upgrade failed (rolled back or not, as its message says).
   */
  async upgrade(
    environmentId: string,
    stackName: string,
    targetVersion: string,
    variables: Readonly<Record<string, string>>,
    caller: Caller,
  ): Promise<UpgradeOutcome> {
    return this.#lockedDeployment(environmentId, stackName, async (current) => {
      if (current.status !== 'Running') {
        throw new InputError(`Deployment is in status '${current.status}', only running deployments can be upgraded.`, { code: 'NOT_RUNNING' });
      }
      const product = this.#catalog.find(current.productId, targetVersion);
      if (product === null) {
        throw new InputError(`Version '${targetVersion}' not found in catalog. Available versions: ${availableVersions(this.#catalog, current.productId)}`, {
          code: 'VERSION_NOT_FOUND',
        });
      }
      const order = compareVersions(product.version, current.stackVersion);
      if (order === 0) throw new InputError(`Already running version ${current.stackVersion}.`, { code: 'SAME_VERSION' });
      if (order < 0) throw new InputError(`Downgrade from ${current.stackVersion} to ${product.version} is not supported.`, { code: 'DOWNGRADE' });
      // A single-stack product's stack is named after the product, and a new version may rename it.
      const target = findStack(product, product.manifest.stacks.length === 1 ? null : current.stackDefinitionName);
      const merged = requireValidVariables(target.variables, [variables, current.variables]);

      const upgraded = await this.#replace(current, 'upgrade', target, merged, caller);
      const fields = { deploymentId: current.id };
      if (!upgraded.failure) return { deployment: upgraded.deployment, previousVersion: current.stackVersion };
      // Nothing to roll back from (untouched), or no engine to roll back on (unreachable).
      if (upgraded.untouched || upgraded.failure instanceof UnavailableError) {
        throw failureAnswer(upgraded.failure, { ...fields, status: upgraded.deployment.status });
      }

      const old = this.#catalog.find(current.productId, current.stackVersion);
      if (old === null) {
        throw failureAnswer(upgraded.failure, { ...fields, status: upgraded.deployment.status }, ` Version ${current.stackVersion} is no longer in the catalog, so it could not be put back.`);
      }
      const oldStack = findStack(old, current.stackDefinitionName);
      const rollback = await this.#replace(upgraded.deployment, 'rollback', oldStack, current.variables, caller, {
        from: product.version,
        previousVersion: current.previousVersion,
      });
      const status = { ...fields, status: rollback.deployment.status };
      if (!rollback.failure) throw failureAnswer(upgraded.failure, status, ` Rolled back to ${current.stackVersion}.`);
      throw failureAnswer(upgraded.failure, status, ` Rollback to ${current.stackVersion} failed: ${rollback.failure.message}`);
    });
  }

  /** Redeploys `current` (locked, Running) with its stored version and merged variables. */
  async #redeploy(current: Deployment, variables: Readonly<Record<string, string>>, caller: Caller): Promise<OperationResult> {
    const product = findProductVersion(this.#catalog, current.productId, current.stackVersion);
    const target = findStack(product, current.stackDefinitionName);
    const merged = requireValidVariables(target.variables, [variables, current.variables]);
    return this.#replace(current, 'redeploy', target, merged, caller);
  }

  /**
   * Replaces the containers of `current` with those of `target` (redeploy, upgrade, rollback).
   * On failure the deployment stays `Running` if its containers were left untouched (a pull
   * failed), else it is `Failed`.
   */
  async #replace(
    current: Deployment,
    operation: 'redeploy' | 'upgrade' | 'rollback',
    target: CatalogStack,
    variables: Readonly<Record<string, string>>,
    caller: Caller,
    /** For a rollback: the version it leaves (the failed target) and the record's previous version to keep. */
    rollback: { from: string; previousVersion: string | null } | null = null,
  ): Promise<OperationResult> {
    const environment = await this.#environments.planEnvironment(current.environmentId);
    const plan = this.#stackPlan(operation, { id: current.id, environment, stackName: current.stackName }, target, variables);
    const commit: CommittedChange = {
      stackId: target.stackId,
      version: target.product.version,
      previousVersion: rollback ? rollback.previousVersion : operation === 'upgrade' ? current.stackVersion : current.previousVersion,
      variables,
      secretVariables: [...new Set([...current.secretVariables, ...secretVariableNames(target.variables)])],
    };
    const entry = await this.#store.startOperation(current.id, {
      operation,
      status: 'Upgrading',
      triggeredBy: triggeredBy(caller.principal),
      fromVersion: rollback?.from ?? current.stackVersion,
      toVersion: commit.version,
      pending: pendingChange(operation, commit, plan),
    });
    const success: Record<typeof operation, (count: number) => string> = {
      redeploy: (count) => `Redeployed version ${commit.version} with fresh images: ${pluralServices(count)} running.`,
      upgrade: () => `Upgraded from ${current.stackVersion} to ${commit.version}.`,
      rollback: () => `Rolled back to ${commit.version}.`,
    };
    return this.#carryOut(plan, entry, caller, { success: success[operation], commitOnSuccess: commit, commitOnFailure: undefined, previous: current });
  }

  /**
   * Runs a plan whose operation was started (history entry `entry`) and records its end: on
   * success `Running` with the new containers; on failure what the runtime reports running.
   */
  async #carryOut(
    plan: DeployPlan,
    entry: number,
    caller: Caller,
    how: {
      success: (serviceCount: number) => string;
      commitOnSuccess: CommittedChange;
      commitOnFailure: CommittedChange | undefined;
      /** The record before the operation, when it had containers that may have been left alone. */
      previous: Deployment | null;
    },
  ): Promise<OperationResult> {
    const id = plan.deploymentId;
    const progress = this.#progress.begin(id, plan.operation, caller.requestId);
    try {
      const result = await this.#executor.run(plan, caller, progress.report);
      const services = serviceRecords(result.services);
      const count = services.filter((s) => s.lifecycle === 'service').length;
      await this.#store.finishOperation(id, entry, {
        status: 'Running',
        outcome: 'Succeeded',
        message: how.success(count),
        errorMessage: null,
        services,
        commit: how.commitOnSuccess,
      });
      this.#log.info({ deploymentId: id, stack: plan.stackName, operation: plan.operation, version: plan.version }, 'operation succeeded');
      return { deployment: await this.get(id), failure: null, untouched: false };
    } catch (err) {
      const found = await this.#executor.inspect(plan.environment, plan);
      const services = 'services' in found ? found.services : undefined;
      const previous = how.previous;
      const untouched = previous !== null && services !== undefined && sameContainers(services, previous.services);
      // The engine went away during the operation and cannot say what runs: there is nothing to
      // go by, so the last known state stands and the answer is a 503. Marking it Failed would
      // refuse the very retry a 503 invites ("only running deployments can be redeployed"), and
      // a redeploy replaces whatever it finds anyway.
      const cause = toHostError(err);
      const inspectionError = 'error' in found ? found.error : null;
      const unknown = previous !== null && inspectionError !== null;
      const failure = unknown ? stateUnknown(cause, inspectionError, previous) : cause;
      const message = untouched ? `${failure.message} Nothing was changed: version ${previous.stackVersion} keeps running.` : failure.message;
      await this.#store.finishOperation(id, entry, {
        status: untouched || unknown ? previous.status : 'Failed',
        outcome: 'Failed',
        message,
        errorMessage: untouched ? previous.errorMessage : failure.message,
        ...(services === undefined ? {} : { services }),
        ...(how.commitOnFailure === undefined ? {} : { commit: how.commitOnFailure }),
      });
      this.#log.warn({ deploymentId: id, stack: plan.stackName, operation: plan.operation, code: failure.code, reason: failure.message }, 'operation failed');
      return { deployment: await this.get(id), failure, untouched };
    } finally {
      progress.finish();
    }
  }

  // ---- removal ----

  /**
   * Stops and removes the deployment's containers (and its named volumes with
   * `removeVolumes`); the record stays, `Removed`, with its history.
   */
  async remove(id: string, removeVolumes: boolean, caller: Caller): Promise<Deployment> {
    const found = await this.get(id);
    const removed = await this.#locked(found.environmentId, found.stackName, `stack '${found.stackName}'`, async () => {
      const current = await this.get(id);
      if (current.status === 'Removed') throw new ConflictError(`Deployment '${id}' is already removed.`, { code: 'ALREADY_REMOVED' });
      const environment = await this.#environments.planEnvironment(current.environmentId);
      const target = deploymentTarget(current, environment);
      const entry = await this.#store.startOperation(id, {
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
      const progress = this.#progress.begin(id, 'remove', caller.requestId);
      try {
        await this.#executor.run(teardownPlan('remove', target, removeVolumes), caller, progress.report);
      } catch (err) {
        const failure = toHostError(err);
        const found = await this.#executor.inspect(environment, target);
        await this.#store.finishOperation(id, entry, {
          status: current.status,
          outcome: 'Failed',
          message: `Removal failed: ${failure.message}`,
          errorMessage: current.errorMessage,
          ...('services' in found ? { services: found.services } : {}),
        });
        if (failure instanceof UnavailableError) throw failure;
        throw new DeploymentFailedError(`Removal failed: ${failure.message}`, { code: failure.code, fields: { deploymentId: id } });
      } finally {
        progress.finish();
      }
      await this.#store.finishOperation(id, entry, {
        status: 'Removed',
        outcome: 'Succeeded',
        message: removeVolumes ? "Removed the stack's containers, networks and volumes." : "Removed the stack's containers and networks; its volumes were kept.",
        errorMessage: null,
        services: [],
      });
      return this.get(id);
    });
    if (removed.productDeploymentId) await this.#settleProduct(removed.productDeploymentId, []);
    return removed;
  }

  // ---- crash recovery ----

  /**
   * Starts reconciling, in the background, every deployment whose operation a stopped host
   * left unfinished: each waits for its stack (a dead host's lease runs out), then gets the
   * truthful state from what runs under its label, with a history entry. {@link close} waits.
   */
  startRecovery(): Promise<void> {
    this.#recovery ??= this.#recover().catch((err: unknown) => this.#log.error({ err: errorMessage(err) }, 'deployment recovery failed'));
    return this.#recovery;
  }

  /** Stops starting new recovery steps and waits for the running ones. */
  async close(): Promise<void> {
    this.#closing.abort();
    await this.#recovery;
  }

  async #recover(): Promise<void> {
    const stuck = await this.#store.listInFlight();
    if (stuck.length > 0) this.#log.warn({ deployments: stuck.map((d) => d.id) }, 'reconciling deployments a stopped host left unfinished');
    await Promise.all(stuck.map((deployment) => this.#recoverOne(deployment)));
    for (const product of await this.#store.listInFlightProducts()) {
      if (this.#closing.signal.aborted) return;
      await this.#settleProduct(product.id, [`The host stopped during the product's ${product.status === 'Redeploying' ? 'redeploy' : 'deploy'}; stacks it had not reached are missing.`]);
    }
  }

  async #recoverOne(stuck: Deployment): Promise<void> {
    // A dead host's lease runs out; a live host still working on the stack keeps renewing it,
    // and recovery waits for it in short rounds, so that stopping the host is never held up.
    while (!this.#closing.signal.aborted) {
      try {
        const lock = await this.#locks.acquire(stuck.environmentId, stuck.stackName, this.#leaseMs);
        try {
          await this.#reconcile(stuck.id);
        } finally {
          await lock.release();
        }
        return;
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
      }
    }
  }

  async #reconcile(id: string): Promise<void> {
    const current = await this.get(id);
    if (current.pending === null && current.status !== 'Installing' && current.status !== 'Upgrading') return;
    const operation: OperationKind = interruptedOperation(current);
    const environment = await this.#environments.planEnvironment(current.environmentId);
    const found = await this.#executor.inspect(environment, deploymentTarget(current, environment));
    const outcome = reconcileDeployment(current, found);
    await this.#store.closeInterrupted(id, `Interrupted: the host stopped before the ${operation} finished.`);
    const entry = await this.#store.startOperation(id, {
      operation: 'recover',
      status: current.status,
      triggeredBy: triggeredBy(null),
      fromVersion: current.stackVersion,
      toVersion: outcome.commit?.version ?? current.stackVersion,
      pending: null,
    });
    await this.#store.finishOperation(id, entry, {
      status: outcome.status,
      outcome: 'Succeeded',
      message: outcome.message,
      errorMessage: outcome.status === 'Failed' ? outcome.message : null,
      ...(outcome.services === undefined ? {} : { services: outcome.services }),
      ...(outcome.commit === undefined ? {} : { commit: outcome.commit }),
    });
    this.#log.warn({ deploymentId: id, stack: current.stackName, status: outcome.status }, outcome.message);
    if (current.productDeploymentId) await this.#settleProduct(current.productDeploymentId, []);
  }

  // ---- helpers ----

  /** Sets a product deployment's status from its stacks' and returns its state. */
  async #settleProduct(productDeploymentId: string, failures: readonly string[]): Promise<ProductDeploymentState> {
    const stacks = await this.#store.productStacks(productDeploymentId);
    const status = productStatusOf(stacks.map((stack) => stack.status));
    await this.#store.setProductStatus(productDeploymentId, status, failures.length > 0 ? failures.join('; ') : null);
    return this.getProduct(productDeploymentId);
  }

  /** Runs `work` holding the stack's lock. */
  async #locked<T>(environmentId: string, lockName: string, subject: string, work: () => Promise<T>): Promise<T> {
    const lock = await this.#locks.acquire(environmentId, lockName, this.#lockWaitMs, subject);
    try {
      return await work();
    } finally {
      await lock.release();
    }
  }

  /** Finds the live deployment of a stack name and runs `work` on its fresh record, holding its lock. */
  async #lockedDeployment<T>(environmentId: string, stackName: string, work: (current: Deployment) => Promise<T>): Promise<T> {
    const found = await this.#store.findActive(environmentId, stackName);
    if (!found) throw noDeployment(stackName, environmentId);
    return this.#locked(environmentId, found.stackName, `stack '${found.stackName}'`, async () => {
      // Another operation may have changed it while this one waited.
      const current = await this.#store.get(found.id);
      if (!current || current.status === 'Removed') throw noDeployment(stackName, environmentId);
      return work(current);
    });
  }

  /** The environment a request names, for its plans. */
  async #environment(id: string): Promise<PlanEnvironment> {
    const environment = await this.#environments.find(id);
    if (!environment) throw new InputError(`Environment '${id}' not found.`, { code: 'ENVIRONMENT_NOT_FOUND' });
    return this.#environments.planEnvironment(environment.id);
  }

  #stackPlan(
    operation: 'deploy' | 'redeploy' | 'upgrade' | 'rollback',
    at: { id: string; environment: PlanEnvironment; stackName: string },
    target: CatalogStack,
    variables: Readonly<Record<string, string>>,
  ): DeployPlan {
    return buildDeployPlan({
      operation,
      deploymentId: at.id,
      environment: at.environment,
      stackName: at.stackName,
      productId: target.product.groupId,
      version: target.product.version,
      stack: target.stack,
      variables,
      bindRoot: join(this.#dataDir, 'stacks', at.stackName),
    });
  }
}

/** Who and where plans for a recorded deployment are for. */
function deploymentTarget(deployment: Deployment, environment: PlanEnvironment): PlanTarget {
  return { deploymentId: deployment.id, environment, stackName: deployment.stackName, productId: deployment.productId, version: deployment.stackVersion };
}

/** What an operation in flight will make of the deployment, for recovery after a crash. */
function pendingChange(operation: OperationKind, commit: CommittedChange, plan: DeployPlan): PendingChange {
  return {
    operation,
    stackId: commit.stackId,
    version: commit.version,
    variables: commit.variables,
    secretVariables: commit.secretVariables,
    services: plan.services
      .filter((service) => service.lifecycle === 'service')
      .map((service) => ({ serviceName: service.name, containerName: service.containerName, image: service.image })),
  };
}

/**
 * A stack name usable as the prefix of Docker names.
 * @throws InputError naming `field` when it is not.
 */
function checkStackName(name: string, field: string): string {
  const trimmed = name.trim();
  if (!stackNamePattern.test(trimmed)) {
    throw new InputError(
      `Invalid ${field} '${name}': a stack name is 1 to 80 letters, digits, '_', '.' or '-', starting with a letter or digit.`,
      { code: 'INVALID_STACK_NAME' },
    );
  }
  return trimmed;
}

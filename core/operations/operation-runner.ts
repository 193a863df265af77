import { AsyncScope } from '../async-scope.js';
import { join } from 'node:path';
import type { Caller } from '../auth/caller.js';
import type { EnvironmentService } from '../environments/environment-service.js';
import { buildDeployPlan, type PlanTarget } from '../deployments/build-deploy-plan.js';
import type { CatalogLookup, CatalogStack } from '../deployments/catalog-stack.js';
import { productStatusOf, type Deployment, type OperationKind, type PendingChange, type ServiceRecord } from '../deployments/deployment.js';
import { DeploymentProgress } from '../deployments/deployment-progress.js';
import { deploymentSecrets } from '../deployments/deployment-secrets.js';
import { DeploymentStore, type CommittedChange, type OperationEnd, type ProductDeploymentState } from '../deployments/deployment-store.js';
import { productNetworkName } from '../deployments/product-network-name.js';
import { sameContainers } from '../deployments/reconcile-deployment.js';
import type { StackLocks } from '../deployments/stack-locks.js';
import { InputError, errorMessage, type HostError } from '../errors.js';
import type { DeployPlan, DeployProgress, DeployResult, PlanEnvironment } from '../hooks/deploy-plan.js';
import type { OnOnePluginSet } from '../hooks/current-plugins.js';
import type { HostHooks } from '../hooks/host-hooks.js';
import type { DeploymentRef, RuntimeLookup } from '../hooks/runtime-registry.js';
import type { SecretRedactor } from '../hooks/secret-redactor.js';
import type { Principal } from '../hooks/principal.js';
import type { Logger } from '../logger.js';
import type { OperationMetrics } from '../metrics/host-metrics.js';
import type { Store } from '../store/open-store.js';
import { toHostError } from '../to-host-error.js';
import { ImagePullTiming } from './image-pull-timing.js';
import { operationDeployContext } from './operation-deploy-context.js';
import { stateUnknown } from './operation-failure.js';
import { inspectDeployment, serviceRecords, type FoundContainers } from './inspect-deployment.js';

export type { FoundContainers } from './inspect-deployment.js';
import { retryWrite } from './retry-write.js';
import { runDeployPipeline } from './run-deploy-pipeline.js';

/** Time limits of deployment operations. */
export interface DeploymentSettings {
  /** The one deadline of an operation: pulls, init containers, starts and health checks. */
  readonly timeoutSeconds: number;
  /** How long an operation waits for another one on the same stack before a 409. */
  readonly lockWaitSeconds: number;
  /** How many operations may wait for one stack before the next is refused at once. */
  readonly maxLockWaiters: number;
  /** How long a stack stays locked by a host that died during an operation. */
  readonly leaseSeconds: number;
}

export interface OperationRunnerOptions {
  readonly store: Store;
  readonly hooks: HostHooks;
  /** The runtimes by environment type, asked what runs. */
  readonly runtimes: RuntimeLookup;
  readonly log: Logger;
  readonly catalog: CatalogLookup;
  readonly environments: EnvironmentService;
  /** Relative bind mounts of a stack resolve below `<dataDir>/stacks/<stackName>`. */
  readonly dataDir: string;
  readonly settings: DeploymentSettings;
  /** The stack locks, shared with the catalog's syncs (leases of `settings.leaseSeconds`). */
  readonly locks: StackLocks;
  /** Where each operation's duration and each image pull's go. */
  readonly metrics: OperationMetrics;
  /** Runs each operation on one plugin set, to its end (a reload may replace the set meanwhile). */
  readonly onOnePluginSet?: OnOnePluginSet;
}

/** How one operation on a deployment ended: the record afterwards, and the failure if any. */
export interface OperationResult {
  readonly deployment: Deployment;
  readonly failure: HostError | null;
  /** A failed operation left the recorded containers running as they were. */
  readonly untouched: boolean;
}

/** What the record becomes when an operation's plan was carried out, or was not. */
export interface OperationOutcomes {
  /**
   * Status, history message and (optionally) the target taken over, once the runtime succeeded;
   * the containers recorded are those the runtime reported unless it says otherwise.
   */
  readonly success: (services: readonly ServiceRecord[]) => Omit<OperationEnd, 'outcome'>;
  /** The change recorded when the plan failed too (a failed first deploy shows its target). */
  readonly commitOnFailure?: CommittedChange;
  /**
   * The record before the operation when it had containers that may have been left alone
   * (redeploy, upgrade, rollback, remove); `null` for a first deploy.
   */
  readonly previous: Deployment | null;
  /** A removal that fails leaves the status as it was, whatever the engine shows. */
  readonly keepStatusOnFailure?: boolean;
  /** Turns the failure's message into the history's (e.g. `Removal failed: ...`). */
  readonly failureMessage?: (failure: HostError) => string;
  /** The version that ran before when it is not `previous`'s (a rollback leaves the failed target). */
  readonly fromVersion?: string;
}

/** `apiKey:<name>`, `user:<name>`, or `host` for what the host does on its own. */
export const triggeredBy = (principal: Principal | null): string => (principal ? `${principal.kind}:${principal.name}` : 'host');

/** The runtime's view of a recorded deployment. */
export function deploymentTarget(deployment: Deployment, environment: PlanEnvironment): PlanTarget {
  return { deploymentId: deployment.id, environment, stackName: deployment.stackName, productId: deployment.productId, version: deployment.stackVersion };
}

/** What an operation in flight will make of the deployment, for recovery after a crash. */
export function pendingChange(operation: OperationKind, commit: CommittedChange, plan: DeployPlan): PendingChange {
  return {
    operation,
    stackId: commit.stackId,
    stackDefinitionName: commit.stackDefinitionName,
    version: commit.version,
    variables: commit.variables,
    secretVariables: commit.secretVariables,
    services: plan.services
      .filter((service) => service.lifecycle === 'service')
      .map((service) => ({ serviceName: service.name, containerName: service.containerName, image: service.image })),
  };
}

/**
 * Runs every operation on deployments: it owns the stack locks, the one deadline of each plan
 * (an AbortSignal handed to every plugin and through them to every engine call), the record of
 * each operation (start, progress, outcome, history) and the single failure path: what is
 * recorded and what the caller gets when a plan fails. The operations (one module each) decide
 * what to run; the runner decides how.
 */
export class OperationRunner {
  readonly records: DeploymentStore;
  readonly progress = new DeploymentProgress();
  readonly catalog: CatalogLookup;
  readonly environments: EnvironmentService;
  readonly log: Logger;
  readonly locks: StackLocks;
  readonly leaseMs: number;
  readonly #hooks: HostHooks;
  /** The runtimes by environment type: asked what runs, to act on containers and for their logs. */
  readonly runtimes: RuntimeLookup;
  readonly #onOnePluginSet: OnOnePluginSet;
  readonly #dataDir: string;
  readonly #lockWaitMs: number;
  readonly #timeoutMs: number;
  readonly #metrics: OperationMetrics;
  /** The deadline of every plan being carried out: closing the runner aborts them. */
  readonly #running = new Set<AbortController>();
  /** Every operation holding a stack lock, until its record is written and the lock freed. */
  readonly #holding = new Set<Promise<unknown>>();
  #closing: Error | null = null;
  /** The leases the current operation holds: losing one aborts its plan. */
  readonly #leases = new AsyncScope<readonly AbortSignal[]>();
  readonly #unrecorded = new Set<(deploymentId: string) => void>();

  constructor(options: OperationRunnerOptions) {
    const { settings } = options;
    this.records = new DeploymentStore(options.store);
    this.leaseMs = settings.leaseSeconds * 1000;
    this.locks = options.locks;
    this.catalog = options.catalog;
    this.environments = options.environments;
    this.log = options.log.child({ area: 'deployments' });
    this.#hooks = options.hooks;
    this.runtimes = options.runtimes;
    this.#onOnePluginSet = options.onOnePluginSet ?? ((work) => work());
    this.#dataDir = options.dataDir;
    this.#lockWaitMs = settings.lockWaitSeconds * 1000;
    this.#timeoutMs = settings.timeoutSeconds * 1000;
    this.#metrics = options.metrics;
  }

  /** Runs `work` holding the lock named `lockName` (a stack, or `product:<id>`). */
  locked<T>(environmentId: string, lockName: string, subject: string, work: () => Promise<T>): Promise<T> {
    const operation = this.#onOnePluginSet(async () => {
      const lock = await this.locks.acquire(environmentId, lockName, this.#lockWaitMs, subject);
      try {
        return await this.#leases.run([...(this.#leases.current() ?? []), lock.lost], work);
      } finally {
        await lock.release();
      }
    });
    const tracked = operation.catch(() => undefined);
    this.#holding.add(tracked);
    void tracked.finally(() => this.#holding.delete(tracked));
    return operation;
  }

  /**
   * For a stopping host: aborts every plan being carried out (and any started later) with
   * `reason`, so that each takes the failure path and records why, then waits until every
   * operation has written its record and freed its lock. The caller bounds the wait.
   */
  async close(reason = 'the host is stopping'): Promise<void> {
    this.#closing ??= new Error(reason);
    for (const controller of this.#running) controller.abort(this.#closing);
    while (this.#holding.size > 0) await Promise.all([...this.#holding]);
  }

  /**
   * Finds the live deployment of a stack name and runs `work` on its fresh record, holding its
   * lock; `notFound` is the error for a name that has none.
   */
  async lockedDeployment<T>(environmentId: string, stackName: string, notFound: () => HostError, work: (current: Deployment) => Promise<T>): Promise<T> {
    const found = await this.records.findActive(environmentId, stackName);
    if (!found) throw notFound();
    return this.locked(environmentId, found.stackName, `stack '${found.stackName}'`, async () => {
      // Another operation may have changed it while this one waited.
      const current = await this.records.get(found.id);
      if (!current || current.status === 'Removed') throw notFound();
      return work(current);
    });
  }

  /** The environment a request names, as plans carry it. */
  async environment(id: string): Promise<PlanEnvironment> {
    const environment = await this.environments.find(id);
    if (!environment) throw new InputError(`Environment '${id}' not found.`, { code: 'ENVIRONMENT_NOT_FOUND' });
    return this.environments.planEnvironment(environment.id);
  }

  /** The plan that makes the deployment at `at` run `target` with `variables`. */
  stackPlan(
    operation: 'deploy' | 'redeploy' | 'upgrade' | 'rollback',
    at: { id: string; environment: PlanEnvironment; stackName: string; productNetwork: string | null },
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
      productNetwork: at.productNetwork,
    });
  }

  /** The network of a product deployment, for the plans of its stacks; null for a stack on its own. */
  async productNetwork(productDeploymentId: string | null): Promise<string | null> {
    if (productDeploymentId === null) return null;
    const product = await this.records.getProduct(productDeploymentId);
    return product === null ? null : productNetworkName(product.deploymentName);
  }

  /**
   * Carries out `plan` for the operation whose history entry `entry` was started, and records
   * how it ended. Only the runtime's work can take the failure path: once the runtime succeeded,
   * the success is recorded (an error while writing it is the store's, and says so). On failure
   * the runtime is asked what runs: the recorded containers untouched → the status stands; the
   * engine unable to say → the last known state stands and the caller gets a 503; else `Failed`.
   */
  async carryOut(plan: DeployPlan, entry: number, caller: Caller, outcomes: OperationOutcomes): Promise<OperationResult> {
    const id = plan.deploymentId;
    // The record holds the Password values in use and those the operation brings (`pending`).
    const secrets = deploymentSecrets(await this.records.require(id));
    const progress = this.progress.begin(id, plan.operation, caller.requestId);
    const started = performance.now();
    let succeeded = false;
    try {
      let result: DeployResult;
      try {
        const report = caller.progress === undefined ? progress.report : (event: DeployProgress) => (progress.report(event), caller.progress?.(event));
        const previousVersion = outcomes.fromVersion ?? outcomes.previous?.stackVersion ?? null;
        result = await this.#pipeline(plan, caller, report, secrets, previousVersion);
      } catch (err) {
        return await this.#recordFailure(plan, entry, outcomes, secrets.error(toHostError(err)), secrets);
      }
      succeeded = true;
      const services = serviceRecords(result.services);
      await this.finish(id, entry, { services, ...outcomes.success(services), outcome: 'Succeeded' });
      this.log.info({ deploymentId: id, stack: plan.stackName, operation: plan.operation, version: plan.version }, 'operation succeeded');
      return { deployment: await this.records.require(id), failure: null, untouched: false };
    } finally {
      progress.finish();
      this.#metrics.operationEnded(plan.operation, succeeded ? 'succeeded' : 'failed', (performance.now() - started) / 1000);
    }
  }

  async #recordFailure(plan: DeployPlan, entry: number, outcomes: OperationOutcomes, cause: HostError, secrets: SecretRedactor): Promise<OperationResult> {
    const id = plan.deploymentId;
    const inspected = await this.inspect(plan.environment, plan);
    const found = 'error' in inspected ? { error: secrets.text(inspected.error) } : inspected;
    const services = 'services' in found ? found.services : undefined;
    const { previous } = outcomes;
    const untouched = previous !== null && services !== undefined && sameContainers(services, previous.services);
    // The engine went away during the operation and cannot say what runs: there is nothing to
    // go by, so the last known state stands and the answer is a 503. Marking it Failed would
    // refuse the very retry a 503 invites ("only running deployments can be redeployed"), and
    // a redeploy replaces whatever it finds anyway.
    const unknown = previous !== null && 'error' in found && !outcomes.keepStatusOnFailure;
    const failure = unknown && 'error' in found ? stateUnknown(cause, found.error, previous) : cause;
    const described = outcomes.failureMessage?.(failure) ?? failure.message;
    const keep = previous !== null && (untouched || unknown || outcomes.keepStatusOnFailure === true);
    await this.finish(id, entry, {
      status: keep ? previous.status : 'Failed',
      outcome: 'Failed',
      message: untouched && !outcomes.keepStatusOnFailure ? `${described} Nothing was changed: version ${previous.stackVersion} keeps running.` : described,
      errorMessage: previous !== null && (untouched || outcomes.keepStatusOnFailure) ? previous.errorMessage : described,
      ...(services === undefined ? {} : { services }),
      ...(outcomes.commitOnFailure === undefined ? {} : { commit: outcomes.commitOnFailure }),
    });
    this.log.warn({ deploymentId: id, stack: plan.stackName, operation: plan.operation, code: failure.code, reason: failure.message }, 'operation failed');
    return { deployment: await this.records.require(id), failure, untouched };
  }

  /** Calls `listener` with each deployment whose outcome could not be written (recovery reconciles it). */
  onUnrecorded(listener: (deploymentId: string) => void): void {
    this.#unrecorded.add(listener);
  }

  /**
   * Writes how an operation ended, retrying a failing write. When the store still refuses, the
   * record is left to recovery, which reconciles it from what runs once the store takes writes.
   */
  async finish(id: string, entry: number, end: OperationEnd): Promise<void> {
    try {
      await retryWrite(() => this.records.finishOperation(id, entry, end));
    } catch (err) {
      this.log.error({ deploymentId: id, err: errorMessage(err) }, 'could not record how the operation ended; it is reconciled from what runs');
      for (const listener of this.#unrecorded) listener(id);
      throw err;
    }
  }

  /**
   * What runs for the deployment on `environment` now, with each container's health by container
   * id where the runtime reports it; `{ error }` when the runtime cannot tell.
   */
  inspect(environment: PlanEnvironment, target: DeploymentRef): Promise<FoundContainers | { error: string }> {
    return inspectDeployment(this.runtimes, environment, target, this.log);
  }

  /**
   * Sets a product deployment's status from its stacks' and returns it with its stacks. With
   * `expectedStacks`, stacks that have no record (one refused before it was created, its name
   * taken meanwhile) count as failed: the product is not `Running` without them.
   */
  async settleProduct(productDeploymentId: string, failures: readonly string[], expectedStacks?: number): Promise<ProductDeploymentState> {
    const stacks = await this.records.productStacks(productDeploymentId);
    const missing = Math.max(0, (expectedStacks ?? 0) - stacks.filter((stack) => stack.status !== 'Removed').length);
    const status = productStatusOf([...stacks.map((stack) => stack.status), ...Array<'Failed'>(missing).fill('Failed')]);
    await this.records.setProductStatus(productDeploymentId, status, failures.length > 0 ? failures.join('; ') : null);
    return this.records.requireProduct(productDeploymentId);
  }

  /**
   * Runs `work` under the operation's one deadline: its signal aborts when the deadline passes,
   * when the host stops, or when a lock the operation runs under is lost.
   */
  async bounded<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    // A plan that starts while the host stops gives up before it changes anything.
    if (this.#closing) controller.abort(this.#closing);
    // Nor may it go on once a lock it runs under is lost: another host may have the stack.
    const leases = this.#leases.current() ?? [];
    const onLost = (event: Event) => controller.abort((event.target as AbortSignal).reason);
    for (const lost of leases) {
      if (lost.aborted) controller.abort(lost.reason);
      else lost.addEventListener('abort', onLost, { once: true });
    }
    this.#running.add(controller);
    const reason = `the host's deploy timeout of ${Math.round(this.#timeoutMs / 1000)}s passed`;
    const timer = setTimeout(() => controller.abort(new Error(reason)), this.#timeoutMs);
    try {
      return await work(controller.signal);
    } finally {
      clearTimeout(timer);
      this.#running.delete(controller);
      for (const lost of leases) lost.removeEventListener('abort', onLost);
    }
  }

  /** beforeDeploy, deploy and afterDeploy for `plan`, bounded by the operation's one deadline. */
  #pipeline(plan: DeployPlan, caller: Caller, report: (event: DeployProgress) => void, secrets: SecretRedactor, previousVersion: string | null): Promise<DeployResult> {
    return this.bounded(async (signal) => {
      const log = secrets.logger(this.log.child({ deploymentId: plan.deploymentId, stack: plan.stackName, operation: plan.operation, requestId: caller.requestId }));
      const pulls = new ImagePullTiming(plan, this.#metrics);
      const context = operationDeployContext(caller, {
        signal,
        log,
        progress: (shown) => {
          log.debug({ service: shown.service, step: shown.step }, shown.message);
          pulls.observe(shown);
          report(shown);
        },
      }, secrets);
      return (await runDeployPipeline(this.#hooks, plan, context, previousVersion)).result;
    });
  }
}

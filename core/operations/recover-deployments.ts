import type { Deployment, OperationKind } from '../deployments/deployment.js';
import { interruptedOperation, reconcileDeployment } from '../deployments/reconcile-deployment.js';
import { ConflictError, errorMessage } from '../errors.js';
import { deploymentTarget, triggeredBy, type OperationRunner } from './operation-runner.js';

/**
 * Crash recovery: every deployment whose operation a stopped host left unfinished is
 * reconciled in the background. Each waits for its stack (a dead host's lease runs out), then
 * gets the truthful state from what runs under its label, with a history entry.
 */
export class DeploymentRecovery {
  readonly #runner: OperationRunner;
  readonly #closing = new AbortController();
  #recovery: Promise<void> | null = null;

  constructor(runner: OperationRunner) {
    this.#runner = runner;
  }

  /** Starts recovery once; {@link close} waits for it. */
  start(): Promise<void> {
    this.#recovery ??= this.#recover().catch((err: unknown) => this.#runner.log.error({ err: errorMessage(err) }, 'deployment recovery failed'));
    return this.#recovery;
  }

  /** Stops starting new recovery steps and waits for the running ones. */
  async close(): Promise<void> {
    this.#closing.abort();
    await this.#recovery;
  }

  async #recover(): Promise<void> {
    const runner = this.#runner;
    const stuck = await runner.records.listInFlight();
    if (stuck.length > 0) runner.log.warn({ deployments: stuck.map((d) => d.id) }, 'reconciling deployments a stopped host left unfinished');
    await Promise.all(stuck.map((deployment) => this.#recoverOne(deployment)));
    for (const product of await runner.records.listInFlightProducts()) {
      if (this.#closing.signal.aborted) return;
      await runner.settleProduct(product.id, [`The host stopped during the product's ${product.status === 'Redeploying' ? 'redeploy' : 'deploy'}; stacks it had not reached are missing.`]);
    }
  }

  async #recoverOne(stuck: Deployment): Promise<void> {
    // A dead host's lease runs out; a live host still working on the stack keeps renewing it,
    // and recovery waits for it in short rounds, so that stopping the host is never held up.
    while (!this.#closing.signal.aborted) {
      try {
        const lock = await this.#runner.locks.acquire(stuck.environmentId, stuck.stackName, this.#runner.leaseMs);
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
    const runner = this.#runner;
    const current = await runner.records.require(id);
    if (current.pending === null && current.status !== 'Installing' && current.status !== 'Upgrading') return;
    const operation: OperationKind = interruptedOperation(current);
    const environment = await runner.environments.planEnvironment(current.environmentId);
    const found = await runner.inspect(environment, deploymentTarget(current, environment));
    const outcome = reconcileDeployment(current, found);
    await runner.records.closeInterrupted(id, `Interrupted: the host stopped before the ${operation} finished.`);
    const entry = await runner.records.startOperation(id, {
      operation: 'recover',
      status: current.status,
      triggeredBy: triggeredBy(null),
      fromVersion: current.stackVersion,
      toVersion: outcome.commit?.version ?? current.stackVersion,
      pending: null,
    });
    await runner.records.finishOperation(id, entry, {
      status: outcome.status,
      outcome: 'Succeeded',
      message: outcome.message,
      errorMessage: outcome.status === 'Failed' ? outcome.message : null,
      ...(outcome.services === undefined ? {} : { services: outcome.services }),
      ...(outcome.commit === undefined ? {} : { commit: outcome.commit }),
    });
    runner.log.warn({ deploymentId: id, stack: current.stackName, status: outcome.status }, outcome.message);
    if (current.productDeploymentId) await runner.settleProduct(current.productDeploymentId, []);
  }
}

import { setTimeout as sleep } from 'node:timers/promises';
import type { Deployment, OperationKind } from '../deployments/deployment.js';
import { interruptedOperation, reconcileDeployment } from '../deployments/reconcile-deployment.js';
import { ConflictError, errorMessage } from '../errors.js';
import { deploymentTarget, triggeredBy, type OperationRunner } from './operation-runner.js';

/** The longest pause between two attempts to reconcile a deployment whose record cannot be written. */
const MAX_RECONCILE_PAUSE_MS = 30_000;

/**
 * How long recovery lets health checks that are still `starting` settle before it judges: a
 * host that stopped during the health wait leaves containers that may yet pass their check.
 */
const HEALTH_SETTLE_MS = 60_000;
const HEALTH_POLL_MS = 1_000;
/** How often, in lease times, a running host looks for deployments a dead host left in flight. */
const ADOPT_EVERY_LEASES = 2;

/**
 * Crash recovery: every deployment whose operation a stopped host left unfinished is
 * reconciled in the background. Each waits for its stack (a dead host's lease runs out), then
 * gets the truthful state from what runs under its label, with a history entry. The same
 * happens, without a restart, to a deployment whose outcome the store refused to record.
 */
export class DeploymentRecovery {
  readonly #runner: OperationRunner;
  readonly #closing = new AbortController();
  #recovery: Promise<void> | null = null;
  readonly #later = new Set<Promise<void>>();
  /** Deployments whose record this host failed to write: it reconciles them itself, with that cause. */
  readonly #reconcilingLater = new Set<string>();
  #adoptTimer: NodeJS.Timeout | null = null;
  #adopting: Promise<void> | null = null;

  constructor(runner: OperationRunner) {
    this.#runner = runner;
    runner.onUnrecorded((id) => {
      this.#reconcilingLater.add(id);
      const done = this.#reconcileLater(id).finally(() => {
        this.#later.delete(done);
        this.#reconcilingLater.delete(id);
      });
      this.#later.add(done);
    });
  }

  /** Starts recovery once, and the periodic look for deployments dead hosts left; {@link close} waits for both. */
  start(): Promise<void> {
    this.#recovery ??= this.#recover().catch((err: unknown) => this.#runner.log.error({ err: errorMessage(err) }, 'deployment recovery failed'));
    this.#adoptTimer ??= setInterval(() => {
      this.#adopting ??= this.#adoptOrphans().finally(() => (this.#adopting = null));
    }, Math.max(1_000, this.#runner.leaseMs * ADOPT_EVERY_LEASES));
    this.#adoptTimer.unref();
    return this.#recovery;
  }

  /** Stops starting new recovery steps and waits for the running ones. */
  async close(): Promise<void> {
    this.#closing.abort();
    if (this.#adoptTimer) clearInterval(this.#adoptTimer);
    await Promise.all([this.#recovery, this.#adopting, ...this.#later]);
  }

  /**
   * Hosts sharing a database outlive each other: a deployment whose host died mid-operation is
   * reconciled by a host still running, without waiting for a restart. It is one in flight whose
   * stack nobody holds: a live host renews its lease, and this host's own operations hold the
   * stack's lock, so a lock taken at once (without waiting) means its operation is gone.
   */
  async #adoptOrphans(): Promise<void> {
    const runner = this.#runner;
    try {
      for (const deployment of await runner.records.listInFlight()) {
        if (this.#closing.signal.aborted) return;
        if (this.#reconcilingLater.has(deployment.id)) continue;
        const lock = await runner.locks.acquire(deployment.environmentId, deployment.stackName, 0).catch((err: unknown) => {
          if (err instanceof ConflictError) return null;
          throw err;
        });
        if (lock === null) continue;
        try {
          await this.#reconcile(deployment.id, 'the host stopped');
        } finally {
          await lock.release();
        }
      }
    } catch (err) {
      runner.log.warn({ err: errorMessage(err) }, 'could not look for deployments a stopped host left; trying again later');
    }
  }

  /**
   * Reconciles a deployment whose outcome could not be written, trying again with growing pauses
   * while the store still fails, until it succeeds or the host stops (the next start does it then).
   */
  async #reconcileLater(id: string): Promise<void> {
    const cause = 'the database refused the record';
    for (let pause = 500; !this.#closing.signal.aborted; pause = Math.min(pause * 2, MAX_RECONCILE_PAUSE_MS)) {
      try {
        await this.#recoverOne(await this.#runner.records.require(id), cause);
        return;
      } catch (err) {
        this.#runner.log.warn({ deploymentId: id, err: errorMessage(err) }, 'could not reconcile the deployment yet; trying again');
        await sleep(pause, undefined, { signal: this.#closing.signal }).catch(() => undefined);
      }
    }
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

  async #recoverOne(stuck: Deployment, cause = 'the host stopped'): Promise<void> {
    // A dead host's lease runs out; a live host still working on the stack keeps renewing it,
    // and recovery waits for it in short rounds, so that stopping the host is never held up.
    while (!this.#closing.signal.aborted) {
      try {
        const lock = await this.#runner.locks.acquire(stuck.environmentId, stuck.stackName, this.#runner.leaseMs);
        try {
          await this.#reconcile(stuck.id, cause);
        } finally {
          await lock.release();
        }
        return;
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
      }
    }
  }

  /**
   * What runs, once no container's health check is `starting` any more (or after
   * {@link HEALTH_SETTLE_MS}, or when recovery stops): a version is taken over only when its
   * checks passed, and one that is about to pass is not failed for being early.
   */
  async #settledInspection(...[environment, target]: Parameters<OperationRunner['inspect']>): ReturnType<OperationRunner['inspect']> {
    const giveUpAt = Date.now() + HEALTH_SETTLE_MS;
    for (;;) {
      const found = await this.#runner.inspect(environment, target);
      const starting = 'health' in found && Object.values(found.health).includes('starting');
      if (!starting || Date.now() >= giveUpAt || this.#closing.signal.aborted) return found;
      await sleep(HEALTH_POLL_MS, undefined, { signal: this.#closing.signal }).catch(() => undefined);
    }
  }

  /** `cause` says why the operation's end was not recorded: "the host stopped", by default. */
  async #reconcile(id: string, cause: string): Promise<void> {
    const runner = this.#runner;
    const current = await runner.records.require(id);
    if (current.pending === null && current.status !== 'Installing' && current.status !== 'Upgrading') return;
    const operation: OperationKind = interruptedOperation(current);
    const environment = await runner.environments.planEnvironment(current.environmentId);
    const found = await this.#settledInspection(environment, deploymentTarget(current, environment));
    const outcome = reconcileDeployment(current, found, cause);
    await runner.records.closeInterrupted(id, `Interrupted: ${cause} before the ${operation} finished.`);
    const entry = await runner.records.startOperation(id, {
      operation: 'recover',
      status: current.status,
      triggeredBy: triggeredBy(null),
      fromVersion: current.stackVersion,
      toVersion: outcome.commit?.version ?? current.stackVersion,
      // Kept until the outcome is written: an attempt the store refuses must leave it for the next.
      pending: current.pending,
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

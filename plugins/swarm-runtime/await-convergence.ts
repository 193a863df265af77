import { setTimeout as sleep } from 'node:timers/promises';
import { DeploymentFailedError, RolledBackError, type DeployContext, type DeployProgress } from '../../core/plugin-api.js';
import { containerFailure } from '../docker-runtime/container-failure.js';
import type { SwarmService, SwarmServices, SwarmTask } from './swarm-services.js';

/** How often a rollout is looked at. */
const POLL_MS = 500;

/** One service a deploy created or updated, and whether it is new. */
export interface Rollout {
  /** The manifest's service name, for progress. */
  readonly service: string;
  readonly id: string;
  readonly name: string;
  readonly created: boolean;
}

/** What ends a wait: the convergence limit and the deploy's deadline, and why each ended. */
export interface ConvergenceBounds {
  /**
   * How long the converged state must hold (the same tasks running) to count: a task that
   * crashes at once is seen running for a moment first. Not for an update Swarm completed: it
   * watched the new tasks for its own monitor period before saying so.
   */
  readonly settleMs: number;
  readonly signal: AbortSignal;
  /** The failure when `signal` aborted, worded for what was still missing. */
  expired(what: string): DeploymentFailedError;
  /** Aborts when another service of the deploy failed: this wait is no longer needed. */
  readonly cancel?: AbortSignal;
}

/** Swarm's task states as progress steps. */
function stepOf(state: string): DeployProgress['step'] {
  switch (state) {
    case 'preparing':
      return 'pull';
    case 'starting':
    case 'running':
      return 'start';
    case 'failed':
    case 'rejected':
      return 'failed';
    case 'shutdown':
    case 'complete':
      return 'stop';
    default:
      return 'create';
  }
}

const rollbackStates = new Set(['rollback_started', 'rollback_paused', 'rollback_completed']);

/** Why Swarm rolled the service back, as the deploy's failure: what ran before runs again. */
function rolledBack(service: SwarmService, reason: string): RolledBackError {
  return new RolledBackError(`Swarm rolled back the update of service '${service.name}'${reason ? `: ${reason}` : ''}.`);
}

/**
 * Waits until Swarm has converged the service: its update (if one runs) completed, and every
 * wanted task runs the service's current spec (Swarm counts a task with a health check as
 * running only once it is healthy). Reports each task's state changes as progress. Fails, with
 * Swarm's own reason, when Swarm rolled the update back or paused it, when a task cannot be
 * placed (`no suitable node`), when a task of a new service fails (for an update, Swarm's
 * failure action decides), and when `bounds` end.
 */
export async function awaitConvergence(swarm: SwarmServices, rollout: Rollout, progress: DeployContext['progress'], bounds: ConvergenceBounds): Promise<SwarmService> {
  const reported = new Map<string, string>();
  let lastSeen = 'no task yet';
  let rollbackReason: string | null = null;
  /** The running tasks of a converged state and since when they are seen so. */
  const steady: { tasks: string | null; since: number } = { tasks: null, since: 0 };
  for (;;) {
    const service = await swarm.find(rollout.id);
    if (service === null) throw new DeploymentFailedError(`Service '${rollout.name}' was removed while it was being deployed.`);
    const tasks = await swarm.tasks(rollout.id);
    for (const task of tasks) {
      const seen = `${task.state}:${task.error}`;
      if (reported.get(task.id) === seen || task.desiredState === 'remove') continue;
      reported.set(task.id, seen);
      lastSeen = describe(rollout, task);
      progress({ service: rollout.service, step: stepOf(task.state), message: lastSeen });
    }

    const update = service.update;
    if (update !== null && rollbackStates.has(update.state)) {
      if (update.state === 'rollback_started') {
        // The first message says why; later ones only how far the rollback got.
        if (rollbackReason === null) progress({ service: rollout.service, step: 'rollback', message: `Swarm is rolling ${rollout.name} back: ${update.message}` });
        rollbackReason ??= update.message;
      } else {
        throw rolledBack(service, rollbackReason ?? update.message);
      }
    } else if (update?.state === 'paused') {
      throw new DeploymentFailedError(`Swarm paused the update of service '${service.name}': ${update.message}`);
    } else {
      const wanted = tasks.filter((task) => task.desiredState === 'running');
      const current = wanted.filter((task) => task.specKey === service.specKey);
      const settled = update === null || update.state === 'completed';
      const converged = settled && current.length === (service.replicas ?? 0) && wanted.every((task) => task.state === 'running' && task.specKey === service.specKey);
      const running = converged ? current.map((task) => task.id).sort().join() : null;
      if (running !== steady.tasks) Object.assign(steady, { tasks: running, since: Date.now() });
      // Swarm declares an update completed only after watching its last new task for the
      // update's monitor period (5 s by default): that watch is the settle period already.
      if (running !== null && (update?.state === 'completed' || Date.now() - steady.since >= bounds.settleMs)) return service;
      const unplaceable = current.find((task) => task.state === 'pending' && task.error !== '');
      if (unplaceable) throw new DeploymentFailedError(`Service '${service.name}' cannot be placed: ${unplaceable.error}.`);
      if (rollout.created) {
        const failed = tasks.find((task) => task.specKey === service.specKey && (task.state === 'failed' || task.state === 'rejected'));
        if (failed) throw await taskFailure(swarm, rollout, failed);
      }
    }

    try {
      await sleep(POLL_MS, undefined, { signal: bounds.cancel ? AbortSignal.any([bounds.signal, bounds.cancel]) : bounds.signal });
    } catch {
      if (bounds.cancel?.aborted) throw new DeploymentFailedError(`Stopped waiting for service '${rollout.name}': another service failed.`);
      throw bounds.expired(`Service '${rollout.name}' did not converge (last: ${lastSeen})`);
    }
  }
}

function describe(rollout: Rollout, task: SwarmTask): string {
  const slot = task.slot === null ? task.id.slice(0, 12) : String(task.slot);
  const detail = task.error || task.message;
  return `${rollout.name}.${slot} ${task.state}${detail ? ` (${detail})` : ''}`;
}

/** A task of a new service failed: its reason and, when its container is on this engine, its last log lines. */
async function taskFailure(swarm: SwarmServices, rollout: Rollout, task: SwarmTask): Promise<DeploymentFailedError> {
  const reason = `Service '${rollout.name}': task ${describe(rollout, task)}`;
  return task.containerId === null ? new DeploymentFailedError(`${reason}.`) : containerFailure(swarm.engine, task.containerId, reason);
}

import { setTimeout as sleep } from 'node:timers/promises';
import { DeploymentFailedError, type DeployContext, type DeployPlan, type PlannedService } from '../../core/plugin-api.js';
import { containerFailure } from '../docker-runtime/container-failure.js';
import type { DeployDeadline } from '../docker-runtime/deploy-deadline.js';
import { OUTPUT_GRACE_MS } from '../docker-runtime/relay-container-output.js';
import { startOrder } from '../docker-runtime/start-order.js';
import { relayTaskOutput, rolloutStart } from './relay-task-output.js';
import { serviceSpec, swarmServiceName } from './service-spec.js';
import type { SwarmServices } from './swarm-services.js';

const POLL_MS = 500;

/**
 * Runs the plan's `lifecycle: init` services one at a time, in `dependsOn` order, before the
 * services roll out: each becomes a Swarm job (`<stackName>_<service>`, one task) that must
 * complete within its `initTimeoutSeconds`. The job of an earlier deploy is replaced; the new
 * one is kept, completed, for its logs, as the Docker runtime keeps init containers. What its
 * task writes goes to the operation's followers before the job is reported completed or failed.
 * @throws DeploymentFailedError naming the job, with its task's reason and last log lines.
 */
export async function runInitJobs(
  swarm: SwarmServices,
  plan: DeployPlan,
  context: DeployContext,
  deadline: DeployDeadline,
  /** Pinned image references by image reference, and the tasks' grace period. */
  settings: { readonly images: ReadonlyMap<string, string>; readonly stopGracePeriodSeconds: number },
): Promise<void> {
  for (const init of startOrder(plan.services.filter((service) => service.lifecycle === 'init'))) {
    const name = swarmServiceName(plan, init);
    const previous = await swarm.find(name);
    if (previous) await swarm.remove(previous.id);
    const image = settings.images.get(init.image) ?? init.image;
    const spec = serviceSpec(plan, init, { image, forceUpdate: 0, stopGracePeriodSeconds: settings.stopGracePeriodSeconds });
    context.progress({ service: init.name, step: 'init', message: `Running init job ${name} (${image})` });
    // A job has no rolling update: it runs its tasks to completion once.
    const job = { ...spec, Mode: { ReplicatedJob: { MaxConcurrent: 1, TotalCompletions: 1 } }, UpdateConfig: undefined, RollbackConfig: undefined };
    const start = await rolloutStart(swarm, null, context);
    const id = await swarm.create(job, swarm.engine.registryAuth(init.image));
    const relay = relayTaskOutput(swarm, id, init.name, context, start);
    try {
      await awaitCompletion(swarm, id, name, init, deadline);
    } finally {
      await relay.finish(OUTPUT_GRACE_MS);
    }
    context.progress({ service: init.name, step: 'init', message: `${name} completed` });
  }
}

async function awaitCompletion(swarm: SwarmServices, id: string, name: string, init: PlannedService, deadline: DeployDeadline): Promise<void> {
  const limit = deadline.within(init.initTimeoutSeconds * 1000);
  try {
    for (;;) {
      const tasks = await swarm.tasks(id);
      if (tasks.some((task) => task.state === 'complete')) return;
      const failed = tasks.find((task) => task.state === 'failed' || task.state === 'rejected');
      // With restart `on-failure` Swarm tries again; a job whose tasks all failed for good is over.
      if (failed && (init.restart === 'no' || !tasks.some((task) => task.desiredState === 'complete' && task.state !== 'failed'))) {
        const reason = `Init job '${name}' failed: ${failed.error || failed.message}`;
        throw failed.containerId === null ? new DeploymentFailedError(`${reason}.`) : await containerFailure(swarm.engine, failed.containerId, reason);
      }
      const unplaceable = tasks.find((task) => task.state === 'pending' && task.error !== '');
      if (unplaceable) throw new DeploymentFailedError(`Init job '${name}' cannot be placed: ${unplaceable.error}.`);
      try {
        await sleep(POLL_MS, undefined, { signal: limit.signal });
      } catch {
        if (deadline.expired) throw deadline.failure(`Init job '${name}' did not complete`);
        throw new DeploymentFailedError(`Init job '${name}' did not complete within ${init.initTimeoutSeconds}s.`);
      }
    }
  } finally {
    limit.release();
  }
}

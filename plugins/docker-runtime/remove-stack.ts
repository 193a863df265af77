import { UnavailableError, errorMessage, type DeployContext, type DeployPlan } from '../../core/plugin-api.js';
import type { DockerEngine } from './docker-engine.js';
import { removeDeploymentContainers } from './deployment-containers.js';
import { deploymentFilter } from './deployment-labels.js';
import { removeUnusedNetworks } from './remove-unused-networks.js';

/**
 * Tears a deployment down: every container labelled with its id, its own networks once unused,
 * its product's network once no other stack of the product uses it, and its named volumes only
 * when the plan asks (`removeVolumes`). External networks and volumes carry no deployment label
 * and are never touched.
 */
export async function removeStack(
  engine: DockerEngine,
  plan: DeployPlan,
  context: DeployContext,
  stopTimeoutSeconds: number,
): Promise<void> {
  await engine.ping();
  await removeDeploymentContainers(engine, plan.deploymentId, { stopTimeoutSeconds, progress: context.progress });
  await removeUnusedNetworks(engine, plan.deploymentId, new Set(), context);
  if (plan.productNetwork) await removeProductNetworkOnceUnused(engine, plan.productNetwork, context);
  if (plan.removeVolumes) await removeDeploymentVolumes(engine, plan.deploymentId, context);
}

/** Removes the deployment's named volumes; one that something outside the stack still mounts stays (logged). */
export async function removeDeploymentVolumes(engine: DockerEngine, deploymentId: string, context: Pick<DeployContext, 'progress' | 'log'>): Promise<void> {
  for (const volume of await engine.listVolumes(deploymentFilter(deploymentId))) {
    context.progress({ service: null, step: 'remove', message: `Removing volume ${volume.name}` });
    try {
      await engine.removeVolume(volume.name);
    } catch (err) {
      if (err instanceof UnavailableError) throw err;
      // A volume that a container outside this stack still mounts stays; the stack itself is gone.
      context.log.warn({ volume: volume.name, reason: errorMessage(err) }, 'volume not removed');
    }
  }
}

/** Removes the product's network when the last stack on it is gone; the others still need it. */
async function removeProductNetworkOnceUnused(engine: DockerEngine, name: string, context: DeployContext): Promise<void> {
  const state = await engine.findNetwork(name);
  if (state === null || state.containerCount > 0) return;
  context.progress({ service: null, step: 'remove', message: `Removing network ${name}` });
  await engine.removeNetwork(state.id);
}

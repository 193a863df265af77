import type { DeployContext, DeployPlan, PlannedResource } from '../../core/plugin-api.js';
import type { DockerEngine } from './docker-engine.js';
import { deploymentLabels } from './deployment-labels.js';

/**
 * Creates the plan's networks (its product's network included) and named volumes that do not exist yet. Existing ones are kept
 * as they are: a named volume outlives every container re-creation, which is what keeps data
 * across redeploys and upgrades.
 */
export async function ensureStackResources(
  engine: DockerEngine,
  plan: DeployPlan,
  progress: DeployContext['progress'],
  /** How networks are made: bridges unless a runtime asks otherwise (overlay networks on Swarm). */
  networkOptions: { driver?: string; attachable?: boolean } = {},
): Promise<void> {
  // The product's network is shared by its stacks like an external one: no stack owns it.
  const productNetwork: PlannedResource[] = plan.productNetwork ? [{ name: plan.productNetwork, external: true, labels: {} }] : [];
  for (const network of [...plan.networks, ...productNetwork]) {
    if (await engine.findNetwork(network.name)) continue;
    progress({ service: null, step: 'create', message: `Creating network ${network.name}` });
    await engine.createNetwork(network.name, resourceLabels(plan, network), networkOptions);
  }
  for (const volume of plan.volumes) {
    if (await engine.findVolume(volume.name)) continue;
    progress({ service: null, step: 'create', message: `Creating volume ${volume.name}` });
    await engine.createVolume(volume.name, resourceLabels(plan, volume));
  }
}

/**
 * The labels of a network or volume. A stack's own resources carry the deployment id, which is
 * how `remove` finds them. An external resource is shared (a product-wide network) and belongs
 * to no single deployment, so it never carries one and no teardown deletes it.
 */
function resourceLabels(plan: DeployPlan, resource: PlannedResource): Record<string, string> {
  const labels: Record<string, string> = { ...plan.labels, ...resource.labels };
  if (resource.external) {
    delete labels[deploymentLabels.deployment];
    delete labels[deploymentLabels.service];
    delete labels[deploymentLabels.lifecycle];
  } else {
    labels[deploymentLabels.deployment] = plan.deploymentId;
  }
  return labels;
}

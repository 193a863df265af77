import type { DeployContext, DeployPlan } from '../../core/plugin-api.js';
import type { DeployDeadline } from '../docker-runtime/deploy-deadline.js';
import { deploymentFilter, deploymentLabels } from '../docker-runtime/deployment-labels.js';
import { removeDeploymentVolumes } from '../docker-runtime/remove-stack.js';
import { removeUnusedNetworks } from '../docker-runtime/remove-unused-networks.js';
import type { SwarmServices } from './swarm-services.js';

const POLL_MS = 500;

/**
 * Tears a deployment down: its Swarm services, then (once their task containers are gone from
 * this engine) its own networks, its product's network once no other stack uses it, and its
 * named volumes only when the plan asks. External networks and volumes carry no deployment
 * label and are never touched.
 */
export async function removeServices(swarm: SwarmServices, plan: DeployPlan, context: DeployContext, deadline: DeployDeadline): Promise<void> {
  const { engine } = swarm;
  const filter = deploymentFilter(plan.deploymentId);
  await engine.ping();
  for (const service of await swarm.list(filter)) {
    context.progress({ service: service.labels[deploymentLabels.service] ?? null, step: 'remove', message: `Removing service ${service.name}` });
    await swarm.remove(service.id);
  }
  // Networks and volumes are free once the tasks' containers are: Swarm stops them after the answer.
  while ((await engine.listContainers(filter)).length > 0) {
    if (!(await deadline.pause(POLL_MS))) throw deadline.failure('Waiting for the removed services to stop');
  }
  await removeUnusedNetworks(engine, plan.deploymentId, new Set(), context);
  if (plan.productNetwork) {
    // Other stacks of the product may run on other nodes: their services, not this engine's containers, tell.
    const network = await engine.findNetwork(plan.productNetwork);
    const inUse = network !== null && (await swarm.list(deploymentLabels.stack)).some((service) => service.networks.includes(network.id));
    if (network !== null && !inUse) {
      context.progress({ service: null, step: 'remove', message: `Removing network ${network.name}` });
      await engine.removeNetwork(network.id);
    }
  }
  if (plan.removeVolumes) await removeDeploymentVolumes(engine, plan.deploymentId, context);
}

import type { DeployedService } from '../../core/plugin-api.js';
import { deploymentFilter, deploymentLabels } from '../docker-runtime/deployment-labels.js';
import type { SwarmService, SwarmServices } from './swarm-services.js';

/**
 * Where a service stands, in the words a deployment record uses for a container: `running`
 * once every wanted task runs, `starting` before, `stopped` when it wants none.
 */
function statusOf(running: number, desired: number): string {
  if (desired === 0) return 'stopped';
  return running >= desired ? 'running' : 'starting';
}

async function deployedService(swarm: SwarmServices, service: SwarmService): Promise<DeployedService> {
  const tasks = await swarm.tasks(service.id);
  const running = tasks.filter((task) => task.desiredState === 'running' && task.state === 'running').length;
  const desired = service.replicas ?? tasks.filter((task) => task.desiredState === 'running').length;
  const lifecycle = service.labels[deploymentLabels.lifecycle] === 'init' ? 'init' : 'service';
  // An init job that completed is reported as its container would be: exited.
  const status = lifecycle === 'init' && tasks.some((task) => task.state === 'complete') ? 'exited' : statusOf(running, desired);
  return {
    serviceName: service.labels[deploymentLabels.service] ?? service.name,
    // A service stands for its tasks, whose containers come and go: its id is what stays.
    containerId: service.id,
    containerName: service.name,
    image: service.image,
    imageId: /@(sha256:[0-9a-f]+)$/.exec(service.image)?.[1] ?? '',
    status,
    lifecycle,
    // Swarm counts a task with a health check as running only once it is healthy.
    health: !service.hasHealthCheck ? 'none' : status === 'running' ? 'healthy' : 'starting',
    serviceId: service.id,
    replicas: { running, desired },
  };
}

/**
 * The deployment's Swarm services as they are now, found by its label, in the order of
 * `serviceOrder` (a plan's services; then by name). Changes nothing.
 */
export async function inspectServices(swarm: SwarmServices, deploymentId: string, serviceOrder: readonly string[]): Promise<DeployedService[]> {
  const services = await Promise.all((await swarm.list(deploymentFilter(deploymentId))).map((service) => deployedService(swarm, service)));
  const rank = (name: string) => {
    const index = serviceOrder.indexOf(name);
    return index < 0 ? serviceOrder.length : index;
  };
  return services.sort((a, b) => rank(a.serviceName) - rank(b.serviceName) || a.containerName.localeCompare(b.containerName));
}

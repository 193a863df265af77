import type { ContainerHealth, DeployedService } from '../../core/plugin-api.js';
import type { DockerEngine } from './docker-engine.js';
import { deploymentFilter, deploymentLabels } from './deployment-labels.js';

/**
 * The deployment's containers as they are now, found by its label, in the order of
 * `serviceOrder` (a plan's services; then by name for containers of other services). Changes
 * nothing.
 */
export async function inspectStack(engine: DockerEngine, deploymentId: string, serviceOrder: readonly string[]): Promise<DeployedService[]> {
  const summaries = await engine.listContainers(deploymentFilter(deploymentId));
  // The list shows an image id instead of the reference once the tag has moved on; the
  // container's own config keeps the reference it was created from.
  const states = await Promise.all(summaries.map((s) => engine.inspectContainer(s.id)));
  const services = states.flatMap((state): DeployedService[] =>
    state === null
      ? []
      : [
          {
            serviceName: state.labels[deploymentLabels.service] ?? state.name,
            containerId: state.id,
            containerName: state.name,
            image: state.image,
            imageId: state.imageId,
            status: state.status,
            lifecycle: state.labels[deploymentLabels.lifecycle] === 'init' ? 'init' : 'service',
            health: healthOf(state.health),
            restartCount: state.restartCount,
            startedAt: state.startedAt?.toISOString() ?? null,
          },
        ],
  );
  const rank = (name: string) => {
    const index = serviceOrder.indexOf(name);
    return index < 0 ? serviceOrder.length : index;
  };
  return services.sort((a, b) => rank(a.serviceName) - rank(b.serviceName) || a.containerName.localeCompare(b.containerName));
}

/** The engine's health status as the plugin API names it. */
function healthOf(health: { readonly status: string } | null): ContainerHealth {
  const status = health?.status;
  return status === 'healthy' || status === 'unhealthy' || status === 'starting' ? status : 'none';
}

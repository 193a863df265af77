import type { DeployContext } from '../../core/plugin-api.js';
import type { ContainerSummary, DockerEngine } from './docker-engine.js';
import { deploymentFilter, deploymentLabels } from './deployment-labels.js';

/** What stopping needs: the grace period and where to report. */
export interface StopOptions {
  readonly stopTimeoutSeconds: number;
  readonly progress: DeployContext['progress'];
}

/** States in which a container has a process to stop. */
const liveStates = new Set(['running', 'restarting', 'paused']);

/**
 * Stops and removes every container labelled with the deployment, in parallel: services that
 * left the plan go too. Found by label only, never by name. Returns what was removed.
 */
export async function removeDeploymentContainers(engine: DockerEngine, deploymentId: string, options: StopOptions): Promise<ContainerSummary[]> {
  const containers = await engine.listContainers(deploymentFilter(deploymentId));
  await Promise.all(
    containers.map(async (container) => {
      await stopContainer(engine, container, options);
      options.progress({ service: serviceOf(container), step: 'remove', message: `Removing container ${container.name}` });
      await engine.removeContainer(container.id);
    }),
  );
  return containers;
}

/**
 * Stops every running container of the deployment and keeps them, so their logs stay readable.
 * Used after a failed start: a half-started stack must not hold ports or restart in a loop.
 */
export async function stopDeploymentContainers(engine: DockerEngine, deploymentId: string, options: StopOptions): Promise<void> {
  const containers = await engine.listContainers(deploymentFilter(deploymentId));
  await Promise.all(containers.map((container) => stopContainer(engine, container, options)));
}

async function stopContainer(engine: DockerEngine, container: ContainerSummary, options: StopOptions): Promise<void> {
  if (!liveStates.has(container.status)) return;
  options.progress({ service: serviceOf(container), step: 'stop', message: `Stopping container ${container.name}` });
  await engine.stopContainer(container.id, options.stopTimeoutSeconds);
}

function serviceOf(container: ContainerSummary): string | null {
  return container.labels[deploymentLabels.service] ?? null;
}

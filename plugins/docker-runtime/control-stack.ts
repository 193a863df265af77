import type { ContainerAction, DeployedService } from '../../core/plugin-api.js';
import { DeployDeadline } from './deploy-deadline.js';
import { stopDeploymentContainers } from './deployment-containers.js';
import type { DockerEngine } from './docker-engine.js';
import { deploymentFilter, deploymentLabels } from './deployment-labels.js';
import { inspectStack } from './inspect-stack.js';
import { waitUntilReady } from './wait-until-ready.js';

/** What stopping and starting need from the plugin's options. */
export interface ControlSettings {
  readonly stopTimeoutSeconds: number;
  readonly settleMs: number;
}

/**
 * Stops, starts or restarts the deployment's containers where they are: `stop` stops every
 * running one (init containers ran once and stay as they are); `start` starts the service
 * containers that do not run and `restart` restarts every service container, both together and
 * then waiting, as a deploy does, until each runs (and is healthy, where it has a check). Every
 * wait ends with `signal`, the operation's deadline. Reports the containers afterwards.
 */
export async function controlStack(
  engine: DockerEngine,
  action: ContainerAction,
  deploymentId: string,
  signal: AbortSignal,
  settings: ControlSettings,
): Promise<DeployedService[]> {
  if (action === 'stop') {
    await stopDeploymentContainers(engine, deploymentId, { stopTimeoutSeconds: settings.stopTimeoutSeconds, progress: () => undefined });
    return inspectStack(engine, deploymentId, []);
  }
  const deadline = new DeployDeadline(signal);
  const services = (await engine.listContainers(deploymentFilter(deploymentId))).filter((c) => c.labels[deploymentLabels.lifecycle] !== 'init');
  await Promise.all(
    services.map(async (container) => {
      const launchedAt = new Date();
      if (action === 'restart') await engine.restartContainer(container.id, settings.stopTimeoutSeconds);
      else if (container.status !== 'running') await engine.startContainer(container.id);
      const name = container.labels[deploymentLabels.service] ?? container.name;
      await waitUntilReady(engine, { name }, { id: container.id, launchedAt }, deadline, { settleMs: settings.settleMs });
    }),
  );
  return inspectStack(engine, deploymentId, []);
}

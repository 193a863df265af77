import type { ExecutionContext } from 'ava';
import { docker } from './docker-cli.js';

/**
 * Removes every container, network and volume labelled with the deployment id, whatever state
 * a test left them in. Containers go first: networks and volumes in use cannot be removed.
 */
export async function removeDeploymentResources(deploymentId: string): Promise<void> {
  const filter = `label=rsgo.deployment=${deploymentId}`;
  const containers = (await docker('container', 'ls', '--all', '--quiet', '--filter', filter)).split('\n').filter(Boolean);
  if (containers.length > 0) await docker('container', 'rm', '--force', '--volumes', ...containers);
  const networks = (await docker('network', 'ls', '--quiet', '--filter', filter)).split('\n').filter(Boolean);
  if (networks.length > 0) await docker('network', 'rm', ...networks);
  const volumes = (await docker('volume', 'ls', '--quiet', '--filter', filter)).split('\n').filter(Boolean);
  if (volumes.length > 0) await docker('volume', 'rm', '--force', ...volumes);
}

/** Registers the removal of each deployment's resources at the end of the test. */
export function cleanUpDeployments(t: ExecutionContext, ...deploymentIds: string[]): void {
  t.teardown(async () => {
    for (const id of deploymentIds) await removeDeploymentResources(id);
  });
}

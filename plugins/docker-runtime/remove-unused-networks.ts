import type { DeployContext } from '../../core/plugin-api.js';
import type { DockerEngine } from './docker-engine.js';
import { deploymentFilter } from './deployment-labels.js';

/**
 * Removes the deployment's own networks (never external ones: they carry no deployment label)
 * except those in `keep`. A network that still has containers attached is left alone and
 * logged: removing it would fail, and something else still relies on it.
 */
export async function removeUnusedNetworks(
  engine: DockerEngine,
  deploymentId: string,
  keep: ReadonlySet<string>,
  context: Pick<DeployContext, 'progress' | 'log'>,
): Promise<void> {
  for (const network of await engine.listNetworks(deploymentFilter(deploymentId))) {
    if (keep.has(network.name)) continue;
    const state = await engine.findNetwork(network.name);
    if (state === null) continue;
    if (state.containerCount > 0) {
      context.log.warn({ network: network.name, containers: state.containerCount }, 'network still in use; not removed');
      continue;
    }
    context.progress({ service: null, step: 'remove', message: `Removing network ${network.name}` });
    await engine.removeNetwork(state.id);
  }
}

import { DeploymentFailedError, InputError } from '../../core/plugin-api.js';
import type { SwarmServices } from './swarm-services.js';

/** Why an engine that is not a manager cannot serve, as the end of a sentence. */
function whyNot(state: string, error: string): string {
  if (state === 'inactive') return 'it is not part of a Swarm (run `docker swarm init` on it, or name a manager in dockerHost)';
  if (state === 'active') return "it is a Swarm worker; name a manager's engine in dockerHost";
  return `its Swarm state is '${state}'${error ? ` (${error})` : ''}`;
}

/**
 * Only a manager takes service requests. Refuses any other engine, saying why: as an
 * `InputError` when an environment is created, as a deploy failure (nothing changed) later.
 */
export async function assertSwarmManager(swarm: SwarmServices, environment: string, when: 'create' | 'deploy'): Promise<void> {
  const membership = await swarm.membership();
  if (membership.manager) return;
  const message = `The engine of environment '${environment}' is not a Swarm manager: ${whyNot(membership.state, membership.error)}.`;
  const options = { code: 'SWARM_NOT_MANAGER' } as const;
  throw when === 'create' ? new InputError(message, options) : new DeploymentFailedError(`${message} Nothing was changed.`, options);
}

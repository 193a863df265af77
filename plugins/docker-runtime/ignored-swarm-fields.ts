import type { PlannedService } from '../../core/plugin-api.js';

/**
 * The Swarm fields a service sets beyond the defaults, which one container per service cannot
 * honour (replicas, placement, update policy, limits, endpoint mode): for the warning that they
 * are ignored here. Empty when there are none.
 */
export function ignoredSwarmFields(service: PlannedService): string[] {
  const swarm = service.swarm;
  if (swarm === undefined) return [];
  const { update, limits } = swarm;
  return [
    swarm.replicas !== 1 ? 'replicas' : '',
    swarm.placementConstraints.length > 0 ? 'placement' : '',
    update.order !== 'stop-first' || update.parallelism !== 1 || update.delayMs !== 0 || update.failureAction !== 'rollback' ? 'update' : '',
    limits.nanoCpus !== null || limits.memoryBytes !== null ? 'resources' : '',
    swarm.endpointMode !== 'vip' ? 'endpointMode' : '',
  ].filter((field) => field !== '');
}

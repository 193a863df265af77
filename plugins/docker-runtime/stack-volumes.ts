import { DeploymentFailedError, type DeployPlan, type PlannedResource } from '../../core/plugin-api.js';
import type { DockerEngine, EngineResource } from './docker-engine.js';
import { deploymentLabels } from './deployment-labels.js';

/**
 * Whether an existing volume may hold this plan's data: it is the deployment's own, or was left
 * by an earlier deployment of the same stack name in the same environment (removed with its
 * volumes kept, for the next deployment of the name), or carries no deployment label at all
 * (made by hand or by another tool). A volume of another stack holds someone else's data.
 */
function belongsTo(volume: EngineResource, plan: DeployPlan): boolean {
  const label = (key: string) => volume.labels[key];
  const owner = label(deploymentLabels.deployment);
  if (owner === undefined || owner === plan.deploymentId) return true;
  const same = (key: string) => label(key) !== undefined && label(key) === plan.labels[key];
  return same(deploymentLabels.stack) && same(deploymentLabels.environment);
}

/**
 * The plan with the engine names of its own volumes settled, before anything changes: an
 * existing volume is kept only when it {@link belongsTo} the plan. A volume the stack made under
 * its former name (`formerName`, from before names were unambiguous) is found and kept, so
 * upgrading the host loses no data.
 * @throws DeploymentFailedError `VOLUME_NAME_CONFLICT` naming every volume of another stack.
 */
export async function settleStackVolumes(engine: DockerEngine, plan: DeployPlan): Promise<DeployPlan> {
  const conflicts: string[] = [];
  const renamed = new Map<string, string>();
  const volumes: PlannedResource[] = [];
  for (const volume of plan.volumes) {
    if (volume.external) {
      volumes.push(volume);
      continue;
    }
    const existing = await engine.findVolume(volume.name);
    if (existing !== null && !belongsTo(existing, plan)) {
      const stack = existing.labels[deploymentLabels.stack];
      conflicts.push(`'${volume.name}' belongs to ${stack === undefined ? '' : `stack '${stack}', `}deployment ${existing.labels[deploymentLabels.deployment]}`);
    }
    const former = existing === null && volume.formerName !== undefined ? await engine.findVolume(volume.formerName) : null;
    if (former !== null && belongsTo(former, plan)) {
      renamed.set(volume.name, former.name);
      volumes.push({ ...volume, name: former.name });
    } else volumes.push(volume);
  }
  if (conflicts.length > 0) {
    throw new DeploymentFailedError(`Volume ${conflicts.join('; ')}: a stack never takes over another stack's volume.`, {
      code: 'VOLUME_NAME_CONFLICT',
    });
  }
  const services = plan.services.map((service) => ({
    ...service,
    mounts: service.mounts.map((mount) => (mount.type === 'volume' ? { ...mount, source: renamed.get(mount.source) ?? mount.source } : mount)),
  }));
  return { ...plan, volumes, services };
}

import { DeploymentFailedError, type DeployPlan, type PlannedResource } from '../../core/plugin-api.js';
import type { DockerEngine } from './docker-engine.js';
import { deploymentLabels } from './deployment-labels.js';

/**
 * The plan with the engine names of its own volumes settled, before anything changes. A volume
 * that exists is kept only when it is this deployment's or carries no deployment label (made
 * by hand, or by an older tool): one labelled with another deployment holds someone else's data.
 * A volume the deployment made under its former name (`formerName`, from before names were
 * unambiguous) is found and kept, so upgrading the host loses no data.
 * @throws DeploymentFailedError `VOLUME_NAME_CONFLICT` naming every volume of another deployment.
 */
export async function settleStackVolumes(engine: DockerEngine, plan: DeployPlan): Promise<DeployPlan> {
  const owned = (labels: Readonly<Record<string, string>>) => labels[deploymentLabels.deployment];
  const conflicts: string[] = [];
  const renamed = new Map<string, string>();
  const volumes: PlannedResource[] = [];
  for (const volume of plan.volumes) {
    if (volume.external) {
      volumes.push(volume);
      continue;
    }
    const existing = await engine.findVolume(volume.name);
    const owner = existing === null ? undefined : owned(existing.labels);
    if (owner !== undefined && owner !== plan.deploymentId) conflicts.push(`'${volume.name}' belongs to deployment ${owner}`);
    const former = existing === null && volume.formerName !== undefined ? await engine.findVolume(volume.formerName) : null;
    if (former !== null && owned(former.labels) === plan.deploymentId) {
      renamed.set(volume.name, former.name);
      volumes.push({ ...volume, name: former.name });
    } else volumes.push(volume);
  }
  if (conflicts.length > 0) {
    throw new DeploymentFailedError(`Volume ${conflicts.join('; ')}: a stack never takes over another deployment's volume.`, {
      code: 'VOLUME_NAME_CONFLICT',
    });
  }
  const services = plan.services.map((service) => ({
    ...service,
    mounts: service.mounts.map((mount) => (mount.type === 'volume' ? { ...mount, source: renamed.get(mount.source) ?? mount.source } : mount)),
  }));
  return { ...plan, volumes, services };
}

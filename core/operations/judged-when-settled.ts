import { IN_FLIGHT_STATUSES, type DeploymentStanding, type ProductDeployment } from '../deployments/deployment.js';

/**
 * A record as a check made before taking its lock judges it: one that another operation is
 * changing right now (Installing, Upgrading, Redeploying) counts as Running, since the call will
 * wait for that operation and be judged again under the lock when it ended. Only what is
 * refused whatever the other operation does is refused at once.
 */
export function judgedWhenSettled<T extends DeploymentStanding | ProductDeployment>(record: T): T {
  const inFlight = (IN_FLIGHT_STATUSES as readonly string[]).includes(record.status) || record.status === 'Redeploying';
  return inFlight ? { ...record, status: 'Running' } : record;
}

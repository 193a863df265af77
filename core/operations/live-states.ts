import type { Deployment } from '../deployments/deployment.js';
import { deploymentSecrets } from '../deployments/deployment-secrets.js';
import type { LiveStates } from '../deployments/deployment-view.js';
import type { OperationRunner } from './operation-runner.js';

/** What the engine shows of the deployment's containers now (state, health, restarts, start time). */
export async function liveStates(runner: OperationRunner, deployment: Deployment): Promise<LiveStates> {
  if (deployment.services.length === 0) return {};
  const environment = await runner.environments.planEnvironment(deployment.environmentId);
  const found = await runner.inspect(environment, { deploymentId: deployment.id, stackName: deployment.stackName });
  return 'error' in found ? { error: deploymentSecrets(deployment).text(found.error) } : found.states;
}

import type { DeploymentStatus } from '../deployments/deployment.js';
import type { ContainerAction } from '../hooks/runtime.js';

/** One of stop, start and restart: when it applies and what the deployment becomes. */
export interface ContainerActionRule {
  readonly action: ContainerAction;
  /** The statuses a deployment may be in for the action. */
  readonly from: readonly DeploymentStatus[];
  /** The refusal's message for a deployment (or product deployment) in another status. */
  refused(status: string): string;
  /** The status once the runtime did it. */
  readonly status: DeploymentStatus;
  /** The history's message once the runtime did it. */
  readonly message: string;
  /** How a failure's message begins (`Stop failed`). */
  readonly failed: string;
}

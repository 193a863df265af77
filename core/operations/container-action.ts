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
  /** The progress step each service reports when the action begins. */
  readonly step: 'stop' | 'start';
  /** The action under way, as a progress message begins (`Stopping`). */
  readonly ongoing: string;
}

const ongoing: Readonly<Record<ContainerAction, string>> = { stop: 'Stopping', start: 'Starting', restart: 'Restarting' };

/** What defines an action: the statuses it applies to (as a word for the refusal) and its outcome. */
export interface ContainerActionSpec {
  readonly action: ContainerAction;
  readonly from: readonly DeploymentStatus[];
  /** The statuses allowed, as a sentence says them: `running or failed`. */
  readonly allowed: string;
  /** The action done, as a sentence says it: `stopped`. */
  readonly done: string;
  readonly status: DeploymentStatus;
  readonly message: string;
}

/** The rule of an action, its refusal and failure worded alike for all of them. */
export function containerAction(spec: ContainerActionSpec): ContainerActionRule {
  const { action, from, allowed, done, status, message } = spec;
  return {
    action,
    from,
    refused: (current) => `Only ${allowed} deployments can be ${done}. Current status: ${current}`,
    status,
    message,
    failed: `${action.charAt(0).toUpperCase()}${action.slice(1)} failed`,
    step: action === 'stop' ? 'stop' : 'start',
    ongoing: ongoing[action],
  };
}

import type { ContainerActionRule } from './container-action.js';

/** Restarting a running deployment's containers in place (no pull, no new containers). */
export const restart: ContainerActionRule = {
  action: 'restart',
  from: ['Running'],
  refused: (status) => `Only running deployments can be restarted. Current status: ${status}`,
  status: 'Running',
  message: "Restarted the stack's containers.",
  failed: 'Restart failed',
};

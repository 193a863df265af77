import type { ContainerActionRule } from './container-action.js';

/** Starting a stopped deployment: the same containers run again, `Running` once they do (and are healthy). */
export const start: ContainerActionRule = {
  action: 'start',
  from: ['Stopped'],
  refused: (status) => `Only stopped deployments can be started. Current status: ${status}`,
  status: 'Running',
  message: "Started the stack's containers.",
  failed: 'Start failed',
};

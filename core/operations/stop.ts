import { containerAction } from './container-action.js';

/**
 * Stopping a deployment: its containers stop and are kept (with their logs), the status is
 * `Stopped`, and only a start brings it back; a redeploy or upgrade is refused meanwhile.
 */
export const stop = containerAction({
  action: 'stop',
  from: ['Running', 'Failed'],
  allowed: 'running or failed',
  done: 'stopped',
  status: 'Stopped',
  message: "Stopped the stack's containers; they are kept until it is started or removed.",
});

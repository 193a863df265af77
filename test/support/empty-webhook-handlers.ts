import { InputError } from '../../core/errors.js';
import type { RedeployTarget, WebhookHandlers } from '../../core/triggers/webhook-handlers.js';

/** The spec's "nothing deployed there" answer for a redeploy or upgrade target. */
export function noDeploymentError(target: RedeployTarget, environmentId: string): InputError {
  return target.kind === 'product'
    ? new InputError(`No active product deployment found for product '${target.productId}' in environment '${environmentId}'.`, {
        code: 'DEPLOYMENT_NOT_FOUND',
      })
    : new InputError(`No deployment found for stack '${target.stackName}' in environment '${environmentId}'.`, {
        code: 'DEPLOYMENT_NOT_FOUND',
      });
}

/**
 * The honest answers of a host that has no deployments and no catalog sources yet: every
 * redeploy or upgrade target is unknown, and a sync finds nothing to load.
 */
export const emptyWebhookHandlers: WebhookHandlers = {
  redeploy: (input) => Promise.reject(noDeploymentError(input.target, input.environmentId)),
  upgrade: (input) => Promise.reject(noDeploymentError({ kind: 'stack', stackName: input.stackName }, input.environmentId)),
  syncSources: () => Promise.resolve({ stacksLoaded: 0, sourcesSynced: 0, message: 'Synced 0 source(s), loaded 0 stack(s).' }),
};

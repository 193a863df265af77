import { noDeployment, noProductDeployment } from '../../core/operations/operation-failure.js';
import type { WebhookHandlers } from '../../core/triggers/webhook-handlers.js';

/**
 * The honest answers of a host that has no deployments and no catalog sources yet: every
 * redeploy or upgrade target is unknown, and a sync finds nothing to load. The refusals are the
 * host's own, so a test reading them reads the real messages and codes.
 */
export const emptyWebhookHandlers: WebhookHandlers = {
  redeploy: (input) =>
    Promise.reject(
      input.target.kind === 'product'
        ? noProductDeployment(input.target.productId, input.environmentId)
        : noDeployment(input.target.stackName, input.environmentId),
    ),
  upgrade: (input) => Promise.reject(noDeployment(input.stackName, input.environmentId)),
  syncSources: () => Promise.resolve({ stacksLoaded: 0, sourcesSynced: 0, message: 'Synced 0 source(s), loaded 0 stack(s).' }),
};

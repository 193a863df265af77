import { emptyWebhookHandlers } from './empty-webhook-handlers.js';
import type { RedeployInput, UpgradeInput, WebhookHandlers } from '../../core/triggers/webhook-handlers.js';

/** What a redeploy or upgrade handler was asked, in order. */
export type HookCall = RedeployInput | UpgradeInput;

/** The deployment id the succeeding handlers answer with. */
export const DEPLOYMENT_ID = '5b0d7f5e-8d2a-4d6b-9f0e-2f1f3c4d5e6f';

/** The handlers of a host without deployments (400 "No deployment found..."), remembering what they were asked. */
export function emptyHandlers(calls: HookCall[]): WebhookHandlers {
  return {
    ...emptyWebhookHandlers,
    redeploy: (input, principal) => (calls.push(input), emptyWebhookHandlers.redeploy(input, principal)),
    upgrade: (input, principal) => (calls.push(input), emptyWebhookHandlers.upgrade(input, principal)),
  };
}

/**
 * Handlers that answer as the deployments service does when the work succeeds, for the stacks
 * in `deployed` (every stack when omitted); other stacks get the empty host's 400. Every call
 * is remembered.
 */
export function succeedingHandlers(calls: HookCall[], deployed?: readonly string[]): WebhookHandlers {
  const empty = emptyHandlers([]);
  const known = (name: string) => deployed === undefined || deployed.includes(name);
  return {
    ...empty,
    redeploy: async (input, principal) => {
      calls.push(input);
      const stackName = input.target.kind === 'stack' ? input.target.stackName : input.target.productId;
      if (!known(stackName)) return empty.redeploy(input, principal);
      return { message: `Successfully triggered redeploy of '${stackName}'.`, deploymentId: DEPLOYMENT_ID, stackName, stackVersion: '6.4.0' };
    },
    upgrade: async (input, principal) => {
      calls.push(input);
      if (!known(input.stackName)) return empty.upgrade(input, principal);
      return {
        message: `Successfully upgraded '${input.stackName}' from 6.4.0 to ${input.targetVersion}.`,
        deploymentId: DEPLOYMENT_ID,
        previousVersion: '6.4.0',
        newVersion: input.targetVersion,
      };
    },
  };
}

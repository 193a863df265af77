import type { WebhookHandlers } from '../triggers/webhook-handlers.js';
import type { DeploymentService } from './deployment-service.js';

/**
 * The redeploy and upgrade webhooks, answered by the deployment service with the seed's
 * success messages. Failures are the service's errors (`Deployment failed: ...` and the
 * spec's 400 messages).
 */
export function deploymentWebhookHandlers(deployments: DeploymentService): Pick<WebhookHandlers, 'redeploy' | 'upgrade'> {
  return {
    async redeploy({ environmentId, target, variables }, caller) {
      if (target.kind === 'stack') {
        const deployment = await deployments.redeployStack(environmentId, target.stackName, variables, caller);
        return {
          message: `Successfully triggered redeploy of '${deployment.stackName}'.`,
          deploymentId: deployment.id,
          stackName: deployment.stackName,
          stackVersion: deployment.stackVersion,
        };
      }
      const { product } = await deployments.redeployProduct(environmentId, target.productId, target.stackDefinitionName, variables, caller);
      return {
        message: `Successfully triggered redeploy of product '${product.productName}'.`,
        productDeploymentId: product.id,
        stackName: product.productName,
        stackVersion: product.version,
      };
    },
    async upgrade({ environmentId, stackName, targetVersion, variables }, caller) {
      const { deployment, previousVersion } = await deployments.upgrade(environmentId, stackName, targetVersion, variables, caller);
      return {
        message: `Successfully upgraded '${deployment.stackName}' from ${previousVersion} to ${deployment.stackVersion}.`,
        deploymentId: deployment.id,
        previousVersion,
        newVersion: deployment.stackVersion,
      };
    },
  };
}

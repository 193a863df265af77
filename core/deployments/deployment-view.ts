import { maskSecretValues } from '../manifests/validate-variables.js';
import type { Deployment, HistoryEntry, ProductDeployment } from './deployment.js';

/**
 * A deployment as the API shows it: `Password` values masked, the operation in flight left out
 * (it holds unmasked values). With `history` when given.
 */
export function deploymentView(deployment: Deployment, history?: readonly HistoryEntry[]): Record<string, unknown> {
  const { variables, secretVariables, pending, ...shown } = deployment;
  return {
    ...shown,
    variables: maskSecretValues(variables, secretVariables),
    ...(history === undefined ? {} : { history }),
  };
}

/** A product deployment with one summary per stack, in manifest order. */
export function productDeploymentView(product: ProductDeployment, stacks: readonly Deployment[]): Record<string, unknown> {
  return {
    ...product,
    stacks: stacks.map((stack) => ({
      stackName: stack.stackDefinitionName,
      deploymentId: stack.id,
      deploymentStackName: stack.stackName,
      stackVersion: stack.stackVersion,
      status: stack.status,
      errorMessage: stack.errorMessage,
      services: stack.services,
    })),
  };
}

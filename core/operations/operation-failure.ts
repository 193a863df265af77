import type { Deployment } from '../deployments/deployment.js';
import { DeploymentFailedError, InputError, UnavailableError, type ErrorBodyFields, type HostError } from '../errors.js';

/**
 * The answer for a failed operation. The runtime's 400s and the failures of plugins become
 * `Deployment failed: <reason>`; an unreachable engine stays a 503; a plugin's deliberate
 * refusal (a 4xx veto) and the host's own bugs keep their status.
 */
export function failureAnswer(failure: HostError, fields: ErrorBodyFields, suffix = ''): HostError {
  const merged = { ...failure.fields, ...fields };
  if (failure instanceof UnavailableError) return new UnavailableError(failure.message, { code: failure.code, fields: merged, headers: failure.headers });
  const deployFailure = failure.status === 400 || (failure.status >= 500 && failure.code !== 'INTERNAL');
  if (!deployFailure) return failure;
  return new DeploymentFailedError(`Deployment failed: ${failure.message}${suffix}`, { code: failure.code, fields: merged });
}

/**
 * The failure of an operation after which the runtime could not say what runs (its engine went
 * away): a 503 that says so and that the deployment keeps its last known state.
 */
export function stateUnknown(cause: HostError, inspectionError: string, previous: Deployment): UnavailableError {
  const unchecked = cause instanceof UnavailableError ? '' : ` What runs could not be checked afterwards: ${inspectionError}.`;
  const sentence = /[.!?]$/.test(cause.message) ? cause.message : `${cause.message}.`;
  return new UnavailableError(
    `${sentence}${unchecked} The deployment keeps its last known state (${previous.status}, version ${previous.stackVersion}) until the next operation.`,
    { code: cause instanceof UnavailableError ? cause.code : 'UNAVAILABLE', cause, headers: { 'Retry-After': '30', ...cause.headers } },
  );
}

/** The spec's answer for a redeploy of a deployment that is not running. */
export function notRunning(status: string): InputError {
  return new InputError(`Only running deployments can be redeployed. Current status: ${status}`, { code: 'NOT_RUNNING' });
}

/** The spec's answer for a stack name without a live deployment in the environment. */
export function noDeployment(stackName: string, environmentId: string): InputError {
  return new InputError(`No deployment found for stack '${stackName}' in environment '${environmentId}'.`, { code: 'DEPLOYMENT_NOT_FOUND' });
}

/** The spec's answer for a product without a live product deployment in the environment. */
export function noProductDeployment(productId: string, environmentId: string): InputError {
  return new InputError(`No active product deployment found for product '${productId}' in environment '${environmentId}'.`, {
    code: 'PRODUCT_DEPLOYMENT_NOT_FOUND',
  });
}

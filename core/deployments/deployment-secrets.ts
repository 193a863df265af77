import { SecretRedactor } from '../hooks/secret-redactor.js';
import type { Deployment } from './deployment.js';

/**
 * Hides the `Password` values of a deployment: those its containers run with and those of the
 * operation in flight (a redeploy may set a new one).
 */
export function deploymentSecrets(deployment: Deployment): SecretRedactor {
  const sets = [deployment, ...(deployment.pending === null ? [] : [deployment.pending])];
  return new SecretRedactor(sets.flatMap(({ variables, secretVariables }) => secretVariables.flatMap((name) => variables[name] ?? [])));
}

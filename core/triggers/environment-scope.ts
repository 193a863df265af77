import type { Principal } from '../hooks/principal.js';
import { ForbiddenError, InputError } from '../errors.js';
import { isUuid } from '../json-body.js';

/**
 * The environment a redeploy or upgrade acts on: the body's `environmentId`, else the key's.
 * Unlike ReadyStackGo, a key scoped to environment A that names environment B is refused with
 * 403: a scope that can be overridden by the caller would not restrict anything.
 */
export function resolveEnvironmentId(requested: string | null, principal: Principal): string {
  const scope = principal.environmentId ?? null;
  const value = requested ?? scope;
  if (value === null) {
    throw new InputError('EnvironmentId is required. Provide it in the request body or use an environment-scoped API key.', {
      code: 'ENVIRONMENT_REQUIRED',
    });
  }
  if (!isUuid(value)) {
    throw new InputError(`Invalid EnvironmentId format: '${value}'. Must be a valid GUID.`, { code: 'INVALID_ENVIRONMENT_ID' });
  }
  const environmentId = value.toLowerCase();
  if (scope !== null && scope.toLowerCase() !== environmentId) {
    throw new ForbiddenError(`API key is restricted to environment '${scope}'.`, { code: 'ENVIRONMENT_SCOPE' });
  }
  return environmentId;
}

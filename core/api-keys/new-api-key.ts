import { InputError } from '../errors.js';
import { isUuid, jsonObject, optionalString } from '../json-body.js';

/** Longest API key name. */
export const MAX_API_KEY_NAME_LENGTH = 100;

/** A create request after its fields were checked. */
export interface NewApiKey {
  readonly name: string;
  readonly permissions: readonly string[];
  readonly environmentId: string | null;
  /** Normalised ISO-8601 UTC. */
  readonly expiresAt: string | null;
}

// A date, or a date and time with its zone: a time without a zone would depend on the server's.
const isoDateTime = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

function permissionsOf(value: unknown, allowed: readonly string[]): string[] {
  if (value === undefined || value === null) throw new InputError('At least one permission is required.');
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw new InputError("Field 'permissions' must be an array of strings.");
  }
  const permissions = [...new Set(value as string[])];
  if (permissions.length === 0) throw new InputError('At least one permission is required.');
  const unknown = permissions.find((permission) => !allowed.includes(permission));
  if (unknown !== undefined) {
    throw new InputError(`Unknown permission '${unknown}'. Allowed permissions: ${allowed.join(', ')}.`, { code: 'UNKNOWN_PERMISSION' });
  }
  return permissions;
}

function expiryOf(value: string | null, now: Date): string | null {
  if (value === null) return null;
  const time = isoDateTime.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(time)) throw new InputError('expiresAt must be an ISO-8601 date, or date and time with a zone.');
  if (time <= now.getTime()) throw new InputError('expiresAt must be in the future.');
  return new Date(time).toISOString();
}

/**
 * Checks a `POST /api/api-keys` body: a name of 1–100 characters, at least one permission, each
 * from `allowed` (the hook permissions the host serves), an optional environment id and an
 * optional expiry in the future. Whether the environment exists is the service's to check.
 */
export function parseNewApiKey(body: unknown, allowed: readonly string[], now = new Date()): NewApiKey {
  const fields = jsonObject(body);
  const name = optionalString(fields, 'name');
  if (name === null) throw new InputError('API key name is required.');
  if (name.length > MAX_API_KEY_NAME_LENGTH) {
    throw new InputError(`API key name must be at most ${MAX_API_KEY_NAME_LENGTH} characters.`);
  }
  const permissions = permissionsOf(fields['permissions'], allowed);
  const environmentValue = fields['environmentId'];
  if (environmentValue !== undefined && environmentValue !== null && typeof environmentValue !== 'string') {
    throw new InputError('Invalid environment ID format.');
  }
  const environmentId = optionalString(fields, 'environmentId');
  if (environmentId !== null && !isUuid(environmentId)) throw new InputError('Invalid environment ID format.');
  return {
    name,
    permissions,
    environmentId: environmentId?.toLowerCase() ?? null,
    expiresAt: expiryOf(optionalString(fields, 'expiresAt'), now),
  };
}

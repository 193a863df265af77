import { z } from 'zod';
import { isUuid } from '../json-body.js';
import { optionalText } from '../request-schema.js';

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
const timeOf = (value: string) => (isoDateTime.test(value) ? Date.parse(value) : NaN);

const NO_PERMISSION = 'At least one permission is required.';
const NOT_STRINGS = "Field 'permissions' must be an array of strings.";
const BAD_ENVIRONMENT = 'Invalid environment ID format.';

/**
 * The schema of a `POST /api/api-keys` body: a name of 1–100 characters, at least one
 * permission, each from `allowed` (the hook permissions the host serves), an optional
 * environment id and an optional expiry in the future (checked against the clock when parsed).
 * Whether the environment exists is the service's to check.
 */
export function newApiKeyBody(allowed: readonly string[]) {
  return z.object({
    name: optionalText('name')
      .refine((name) => name !== null, 'API key name is required.')
      .refine((name) => name === null || name.length <= MAX_API_KEY_NAME_LENGTH, `API key name must be at most ${MAX_API_KEY_NAME_LENGTH} characters.`)
      .transform((name) => name ?? ''),
    permissions: z
      .array(z.string({ error: NOT_STRINGS }), { error: (issue) => (issue.input === undefined || issue.input === null ? NO_PERMISSION : NOT_STRINGS) })
      .transform((permissions) => [...new Set(permissions)])
      .refine((permissions) => permissions.length > 0, NO_PERMISSION)
      .check((payload) => {
        const unknown = payload.value.find((permission) => !allowed.includes(permission));
        if (unknown === undefined) return;
        payload.issues.push({
          code: 'custom',
          input: payload.value,
          message: `Unknown permission '${unknown}'. Allowed permissions: ${allowed.join(', ')}.`,
          params: { code: 'UNKNOWN_PERMISSION' },
        });
      })
      .meta({ description: `Hook permissions: ${allowed.join(', ')}.` }),
    environmentId: z
      .string({ error: BAD_ENVIRONMENT })
      .trim()
      .nullish()
      .refine((value) => value === undefined || value === null || value === '' || isUuid(value), BAD_ENVIRONMENT)
      .transform((value) => (value ? value.toLowerCase() : null)),
    expiresAt: optionalText('expiresAt')
      .refine((value) => value === null || !Number.isNaN(timeOf(value)), 'expiresAt must be an ISO-8601 date, or date and time with a zone.')
      .refine((value) => value === null || Number.isNaN(timeOf(value)) || timeOf(value) > Date.now(), 'expiresAt must be in the future.')
      .transform((value) => (value === null ? null : new Date(timeOf(value)).toISOString())),
  });
}

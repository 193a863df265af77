import type { ApiError } from '../api/api-error.js';
import type { ApiKeyField } from './api-key-form-values.js';

const byCode: Readonly<Record<string, ApiKeyField>> = {
  DUPLICATE_NAME: 'name',
  UNKNOWN_PERMISSION: 'permissions',
  ENVIRONMENT_NOT_FOUND: 'environment',
};

// The host's 400 messages name the field they are about.
const byMessage: readonly [RegExp, ApiKeyField][] = [
  [/\bname\b/i, 'name'],
  [/permission/i, 'permissions'],
  [/environment/i, 'environment'],
  [/expir/i, 'expiry'],
];

/** The form field a refused create is about, so its message shows next to it; null for the form as a whole. */
export function apiKeyFieldOf(error: ApiError): ApiKeyField | null {
  if (error.status !== 400) return null;
  return byCode[error.code] ?? byMessage.find(([pattern]) => pattern.test(error.message))?.[1] ?? null;
}

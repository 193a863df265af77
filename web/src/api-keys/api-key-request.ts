import type { ApiKeyFormValues } from './api-key-form-values.js';
import { expiryInstant } from './expiry-instant.js';

/** The request body of `POST /api/api-keys`. */
export function apiKeyRequest(values: ApiKeyFormValues): Record<string, unknown> {
  return {
    name: values.name.trim(),
    permissions: values.permissions,
    ...(values.environmentId === '' ? {} : { environmentId: values.environmentId }),
    ...(values.expiry === '' ? {} : { expiresAt: expiryInstant(values.expiry)?.toISOString() }),
  };
}

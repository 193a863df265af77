import type { ApiKeyFormValues } from './api-key-form-values';
import { expiryInstant } from './expiry-instant';

/** The request body of `POST /api/api-keys`. */
export function apiKeyRequest(values: ApiKeyFormValues): Record<string, unknown> {
  return {
    name: values.name.trim(),
    permissions: values.permissions,
    ...(values.environmentId === '' ? {} : { environmentId: values.environmentId }),
    ...(values.expiry === '' ? {} : { expiresAt: expiryInstant(values.expiry)?.toISOString() }),
  };
}

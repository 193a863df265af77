import { MAX_NAME_LENGTH, type ApiKeyFieldErrors, type ApiKeyFormValues } from './api-key-form-values.js';
import { expiryInstant } from './expiry-instant.js';

/** The checks the host would make that the browser can make first. */
export function validateApiKeyForm(values: ApiKeyFormValues, now = new Date()): ApiKeyFieldErrors {
  const errors: ApiKeyFieldErrors = {};
  const name = values.name.trim();
  if (name === '') errors.name = 'Enter a name for the key.';
  else if (name.length > MAX_NAME_LENGTH) errors.name = `The name can have at most ${MAX_NAME_LENGTH} characters.`;
  if (values.permissions.length === 0) errors.permissions = 'Select at least one permission.';
  if (values.expiry !== '') {
    const expiry = expiryInstant(values.expiry);
    if (expiry === null) errors.expiry = 'Enter a valid date.';
    else if (expiry <= now) errors.expiry = 'The expiry date must be in the future.';
  }
  return errors;
}

import test from 'ava';
import { ApiError } from '../../../web/src/api/api-error.js';
import { apiKeyFieldOf } from '../../../web/src/api-keys/api-key-field-of.js';

const refused = (message: string, code = 'INVALID_INPUT') => new ApiError(400, message, code);

test("the host's refusals land next to the field they are about", (t) => {
  t.is(apiKeyFieldOf(refused('API key name is required.')), 'name');
  t.is(apiKeyFieldOf(refused('API key name must be at most 100 characters.')), 'name');
  t.is(apiKeyFieldOf(refused("An active API key with name 'Nightly' already exists.", 'DUPLICATE_NAME')), 'name');
  t.is(apiKeyFieldOf(refused('At least one permission is required.')), 'permissions');
  t.is(apiKeyFieldOf(refused("Unknown permission 'Hooks.Deploy'. Allowed permissions: Hooks.Redeploy.", 'UNKNOWN_PERMISSION')), 'permissions');
  t.is(apiKeyFieldOf(refused("Environment 'c0ffee00-0000-4000-8000-000000000001' not found.", 'ENVIRONMENT_NOT_FOUND')), 'environment');
  t.is(apiKeyFieldOf(refused('Invalid environment ID format.')), 'environment');
  t.is(apiKeyFieldOf(refused('expiresAt must be in the future.')), 'expiry');
});

test('anything else is shown for the form as a whole', (t) => {
  t.is(apiKeyFieldOf(refused('Malformed JSON in request body.', 'INVALID_JSON')), null);
  t.is(apiKeyFieldOf(new ApiError(403, 'API keys cannot call the management API.', 'FORBIDDEN')), null);
  t.is(apiKeyFieldOf(new ApiError(0, 'Cannot reach the rsgo host.', 'NETWORK')), null);
});

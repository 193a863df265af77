import test from 'ava';
import { apiKeyRequest } from '../../../web/src/api-keys/api-key-request.js';

test('the body names only what was chosen, the name trimmed', (t) => {
  t.deepEqual(apiKeyRequest({ name: '  Nightly  ', permissions: ['Hooks.Upgrade'], environmentId: '', expiry: '' }), {
    name: 'Nightly',
    permissions: ['Hooks.Upgrade'],
  });
});

test('an environment is sent by id; an expiry as the end of that day in the local zone', (t) => {
  const body = apiKeyRequest({ name: 'Scoped', permissions: ['Hooks.Redeploy'], environmentId: 'c0ffee00-0000-4000-8000-000000000001', expiry: '2030-12-31' });
  t.is(body['environmentId'], 'c0ffee00-0000-4000-8000-000000000001');
  t.is(body['expiresAt'], new Date(2030, 11, 31, 23, 59, 59, 999).toISOString());
});

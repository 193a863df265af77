import test from 'ava';
import type { ApiKeyFormValues } from '../../../web/src/api-keys/api-key-form-values.js';
import { validateApiKeyForm } from '../../../web/src/api-keys/validate-api-key-form.js';

const valid: ApiKeyFormValues = { name: 'Azure DevOps Deploy', permissions: ['Hooks.Redeploy'], environmentId: '', expiry: '' };
const now = new Date(2026, 5, 1, 12, 0);

test('a filled-in form has no errors', (t) => {
  t.deepEqual(validateApiKeyForm(valid, now), {});
  t.deepEqual(validateApiKeyForm({ ...valid, expiry: '2026-06-02' }, now), {});
});

test('the name is required and at most 100 characters, spaces not counted', (t) => {
  t.deepEqual(validateApiKeyForm({ ...valid, name: '' }, now), { name: 'Enter a name for the key.' });
  t.deepEqual(validateApiKeyForm({ ...valid, name: '   ' }, now), { name: 'Enter a name for the key.' });
  t.deepEqual(validateApiKeyForm({ ...valid, name: ` ${'x'.repeat(100)} ` }, now), {});
  t.deepEqual(validateApiKeyForm({ ...valid, name: 'x'.repeat(101) }, now), { name: 'The name can have at most 100 characters.' });
});

test('at least one permission', (t) => {
  t.deepEqual(validateApiKeyForm({ ...valid, permissions: [] }, now), { permissions: 'Select at least one permission.' });
});

test('the expiry is a real date whose end is still ahead; today counts', (t) => {
  t.deepEqual(validateApiKeyForm({ ...valid, expiry: '2026-06-01' }, now), {});
  t.deepEqual(validateApiKeyForm({ ...valid, expiry: '2026-05-31' }, now), { expiry: 'The expiry date must be in the future.' });
  t.deepEqual(validateApiKeyForm({ ...valid, expiry: '2026-02-30' }, now), { expiry: 'Enter a valid date.' });
  t.deepEqual(validateApiKeyForm({ ...valid, expiry: 'tomorrow' }, now), { expiry: 'Enter a valid date.' });
});

test('every problem is reported at once', (t) => {
  t.deepEqual(Object.keys(validateApiKeyForm({ name: '', permissions: [], environmentId: '', expiry: '2000-01-01' }, now)).sort(), [
    'expiry',
    'name',
    'permissions',
  ]);
});

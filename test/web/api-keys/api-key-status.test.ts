import test from 'ava';
import { apiKeyStatus } from '../../../web/src/api-keys/api-key-status.js';

const now = Date.parse('2026-06-01T12:00:00Z');

test('a key is Active until it expires, then Expired', (t) => {
  t.is(apiKeyStatus({ isRevoked: false, expiresAt: null }, now), 'Active');
  t.is(apiKeyStatus({ isRevoked: false, expiresAt: '2026-06-01T12:00:01Z' }, now), 'Active');
  t.is(apiKeyStatus({ isRevoked: false, expiresAt: '2026-06-01T12:00:00Z' }, now), 'Expired');
});

test('Revoked wins over Expired', (t) => {
  t.is(apiKeyStatus({ isRevoked: true, expiresAt: '2020-01-01T00:00:00Z' }, now), 'Revoked');
  t.is(apiKeyStatus({ isRevoked: true, expiresAt: null }, now), 'Revoked');
});

import test from 'ava';
import { apiKeyDisplayPrefix, generateApiKey, hashApiKey, isApiKeyFormat } from '../../../core/api-keys/api-key-format.js';

test('a key is rsgo_ and 32 characters of [A-Za-z0-9], 37 in all', (t) => {
  for (let i = 0; i < 200; i++) {
    const key = generateApiKey();
    t.regex(key, /^rsgo_[A-Za-z0-9]{32}$/);
    t.is(key.length, 37);
    t.true(isApiKeyFormat(key));
  }
});

test('keys are unique and use the whole alphabet with no visible bias', (t) => {
  const keys = new Set(Array.from({ length: 2000 }, generateApiKey));
  t.is(keys.size, 2000);
  const counts = new Map<string, number>();
  for (const key of keys) for (const char of key.slice(5)) counts.set(char, (counts.get(char) ?? 0) + 1);
  t.is(counts.size, 62, 'upper case, lower case and digits all occur');
  // 64,000 draws over 62 characters: about 1032 each. A modulo bias would give the first eight
  // characters about a quarter more; rejection sampling keeps every count close to the mean.
  const mean = (2000 * 32) / 62;
  for (const [char, count] of counts) t.true(Math.abs(count - mean) < mean * 0.15, `${char}: ${count}`);
});

test('the stored hash is the 64-character lower-case hex SHA-256 of the whole key', (t) => {
  const hash = hashApiKey('rsgo_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
  t.regex(hash, /^[0-9a-f]{64}$/);
  t.is(hash, hashApiKey('rsgo_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'));
  t.not(hash, hashApiKey('rsgo_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB'));
  t.is(hashApiKey(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
});

test('the display prefix is the first 12 characters', (t) => {
  t.is(apiKeyDisplayPrefix('rsgo_abcdefghABCDEFGH0123456789abcdef'), 'rsgo_abcdefg');
});

test('anything but the exact shape is malformed', (t) => {
  for (const bad of ['', 'rsgo_', 'RSGO_' + 'a'.repeat(32), 'rsgo_' + 'a'.repeat(31), 'rsgo_' + 'a'.repeat(33), 'rsgo_' + 'a'.repeat(31) + '-', ' rsgo_' + 'a'.repeat(32)]) {
    t.false(isApiKeyFormat(bad), bad);
  }
});

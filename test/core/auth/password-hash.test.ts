import test from 'ava';
import { DEFAULT_SCRYPT_COST, hashPassword, verifyPassword } from '../../../core/auth/password-hash.js';

test('a password hash carries scrypt, its cost and a salt of its own', async (t) => {
  const first = await hashPassword('correct horse battery staple');
  const second = await hashPassword('correct horse battery staple');
  const [scheme, n, r, p, salt, hash] = first.split('$');
  t.is(scheme, 'scrypt');
  t.deepEqual([Number(n), Number(r), Number(p)], [DEFAULT_SCRYPT_COST.N, DEFAULT_SCRYPT_COST.r, DEFAULT_SCRYPT_COST.p]);
  t.is(Buffer.from(salt ?? '', 'base64').length, 16);
  t.is(Buffer.from(hash ?? '', 'base64').length, 64);
  t.not(first, second, 'the same password gets another salt, so another hash');
  t.false(first.includes('correct horse'));
});

test('only the right password verifies', async (t) => {
  const stored = await hashPassword('s3cret-pa55word', { N: 2 ** 10, r: 8, p: 1 });
  t.true(await verifyPassword('s3cret-pa55word', stored));
  t.false(await verifyPassword('s3cret-pa55word ', stored));
  t.false(await verifyPassword('', stored));
});

test('a malformed or absurd stored hash never verifies', async (t) => {
  t.false(await verifyPassword('x', ''));
  t.false(await verifyPassword('x', 'bcrypt$10$abc'));
  t.false(await verifyPassword('x', 'scrypt$1099511627776$8$1$AAAA$AAAA'));
  t.false(await verifyPassword('x', 'scrypt$1024$8$1$AAAA$'));
});

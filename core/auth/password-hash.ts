import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt cost parameters: CPU/memory cost N (a power of two), block size r, parallelism p. */
export interface ScryptCost {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/**
 * Cost of new hashes: N=2^15, r=8, p=3, one of OWASP's recommended scrypt settings. It needs
 * 32 MiB per hash (not 128 MiB like N=2^17), so parallel sign-ins cannot exhaust memory.
 */
export const DEFAULT_SCRYPT_COST: ScryptCost = { N: 2 ** 15, r: 8, p: 3 };
const KEY_LENGTH = 64;
const SALT_BYTES = 16;
// Refuse absurd parameters from a stored hash: they would let the database stall the host.
const MAX_N = 2 ** 20;

function derive(password: string, salt: Buffer, keyLength: number, cost: ScryptCost): Promise<Buffer> {
  const options: ScryptOptions = { ...cost, maxmem: 256 * cost.N * cost.r };
  return new Promise((done, fail) => scrypt(password.normalize('NFKC'), salt, keyLength, options, (err, key) => (err ? fail(err) : done(key))));
}

/** `scrypt$N$r$p$salt$hash` (base64) with a fresh random salt per call. */
export async function hashPassword(password: string, cost: ScryptCost = DEFAULT_SCRYPT_COST): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, KEY_LENGTH, cost);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64'), hash.toString('base64')].join('$');
}

/** Whether `password` matches `stored`; compared in constant time. A malformed hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, saltText, hashText] = stored.split('$');
  const cost: ScryptCost = { N: Number(n), r: Number(r), p: Number(p) };
  if (scheme !== 'scrypt' || saltText === undefined || hashText === undefined) return false;
  if (![cost.N, cost.r, cost.p].every(Number.isSafeInteger) || cost.N > MAX_N || cost.r > 32 || cost.p > 16) return false;
  const expected = Buffer.from(hashText, 'base64');
  if (expected.length === 0) return false;
  const actual = await derive(password, Buffer.from(saltText, 'base64'), expected.length, cost);
  return timingSafeEqual(actual, expected);
}

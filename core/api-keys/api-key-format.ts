import { createHash, randomBytes } from 'node:crypto';

/** Every key starts with this, so scanners and people recognise a leaked one. */
export const API_KEY_PREFIX = 'rsgo_';
/** Random characters after the prefix (62^32 ≈ 2^190). */
export const API_KEY_RANDOM_LENGTH = 32;
/** Characters of the key kept in clear to tell keys apart in lists. */
export const API_KEY_DISPLAY_PREFIX_LENGTH = 12;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
// The largest multiple of 62 that fits a byte: bytes at or above it are dropped, so every
// character is exactly equally likely (a plain `byte % 62` would favour the first eight).
const ACCEPT_BELOW = 256 - (256 % ALPHABET.length);
const keyPattern = new RegExp(`^${API_KEY_PREFIX}[A-Za-z0-9]{${API_KEY_RANDOM_LENGTH}}$`);

/** A new key: `rsgo_` + 32 characters of [A-Za-z0-9] from the CSPRNG, by rejection sampling. */
export function generateApiKey(): string {
  let random = '';
  while (random.length < API_KEY_RANDOM_LENGTH) {
    for (const byte of randomBytes(API_KEY_RANDOM_LENGTH * 2)) {
      if (byte < ACCEPT_BELOW && random.length < API_KEY_RANDOM_LENGTH) random += ALPHABET[byte % ALPHABET.length];
    }
  }
  return API_KEY_PREFIX + random;
}

/** Whether `value` has the shape of a key; anything else is refused before any lookup. */
export function isApiKeyFormat(value: string): boolean {
  return keyPattern.test(value);
}

/** What is stored and looked up: SHA-256 of the UTF-8 key, 64 lower-case hex characters. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The part of a key shown in lists. */
export function apiKeyDisplayPrefix(key: string): string {
  return key.slice(0, API_KEY_DISPLAY_PREFIX_LENGTH);
}

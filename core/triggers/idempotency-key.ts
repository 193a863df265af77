import { createHash } from 'node:crypto';
import { InputError } from '../errors.js';
import type { IdempotencyClaim } from '../operations/operation-journal.js';

const MAX_KEY_LENGTH = 255;
const PRINTABLE = /^[\x20-\x7e]+$/;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The claim of a hook call's `Idempotency-Key` header, or `null` without one: the key hashed
 * with its owner (another key's calls never match), and the endpoint and body hashed (the same
 * key with another request is refused).
 * @throws InputError for a key that is empty, longer than 255 characters or not printable ASCII.
 */
export function idempotencyClaim(header: string | undefined, owner: string, path: string, body: unknown): IdempotencyClaim | null {
  if (header === undefined) return null;
  if (header.length === 0 || header.length > MAX_KEY_LENGTH || !PRINTABLE.test(header)) {
    throw new InputError(`Idempotency-Key must be 1 to ${MAX_KEY_LENGTH} printable ASCII characters.`);
  }
  return { keyHash: sha256(`${owner}\n${header}`), requestHash: sha256(`${path}\n${JSON.stringify(body ?? null)}`) };
}

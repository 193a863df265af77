import { randomBytes } from 'node:crypto';

/** A secret unlike anything else in a test's output, so logs and bodies can be searched for it. */
export function uniqueSecret(label: string): string {
  return `${label}-${randomBytes(12).toString('hex')}`;
}

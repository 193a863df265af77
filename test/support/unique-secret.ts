import { randomBytes } from 'node:crypto';

/**
 * A secret unlike anything else in a test's output, so logs and bodies can be searched for it.
 * It starts with its random part, so even its first few characters are telling (see
 * {@link secretTraces}); `label` only makes failures readable.
 */
export function uniqueSecret(label: string): string {
  return `${randomBytes(12).toString('hex')}${label.replace(/[^A-Za-z0-9]/g, '')}`;
}

/**
 * What to search for to find a secret made by {@link uniqueSecret}: the whole of it and its
 * first eight characters, because a leak is often a cut: an error message quoting the start of
 * a value, a log line cut at a column width.
 */
export function secretTraces(secret: string): string[] {
  return [secret, secret.slice(0, 8)];
}

import { createHash } from 'node:crypto';

/** The width of the lease table's key column (`stack_leases.stack_key`). */
const KEY_COLUMN_LENGTH = 100;

/**
 * The key a lock is stored under: the lower-case name itself when it fits the column, else a
 * fixed-length digest of it. MySQL's `INSERT IGNORE` silently cuts a longer value, and a lock
 * stored under a cut key is never found again (long product ids made `product:<id>` too long).
 */
export function leaseKey(lockName: string): string {
  const key = lockName.toLowerCase();
  return key.length <= KEY_COLUMN_LENGTH ? key : `sha256:${createHash('sha256').update(key).digest('hex')}`;
}

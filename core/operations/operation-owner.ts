import { createHash } from 'node:crypto';
import type { Principal } from '../hooks/principal.js';

/**
 * Who owns an operation, as its record keeps it: `apiKey:<id>` or `user:<id>`; a plugin's
 * caller by its plugin instance and a hash of its name (any text, of any length).
 */
export function operationOwner(principal: Principal): string {
  if (principal.kind !== 'plugin') return `${principal.kind}:${principal.id}`;
  return `plugin:${principal.plugin.slice(0, 40)}:${createHash('sha256').update(principal.name).digest('hex').slice(0, 32)}`;
}

/** Whether `principal` may read an operation: the caller that started it, or a signed-in operator. */
export const mayReadOperation = (principal: Principal, owner: string): boolean => principal.kind === 'user' || operationOwner(principal) === owner;

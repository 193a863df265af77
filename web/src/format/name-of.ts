import type { Named } from '../api/api-types.js';

/** The display name of a catalog part given as a name or as an object holding one. */
export function nameOf(value: Named): string {
  if (typeof value === 'string') return value;
  return value.name ?? value.version ?? '?';
}

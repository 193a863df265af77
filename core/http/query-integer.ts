import { InputError } from '../errors.js';

/** Bounds of a whole-number query parameter; `max` absent means no upper bound. */
export interface QueryIntegerBounds {
  readonly fallback: number;
  readonly min: number;
  readonly max?: number;
}

/** A whole-number query parameter (digits only), or `fallback` when absent or empty. */
export function queryInteger(value: string | string[] | undefined, name: string, bounds: QueryIntegerBounds): number {
  if (value === undefined || value === '') return bounds.fallback;
  const max = bounds.max ?? Number.MAX_SAFE_INTEGER;
  const parsed = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(parsed) || parsed < bounds.min || parsed > max) {
    const range = bounds.max === undefined ? `of at least ${bounds.min}` : `from ${bounds.min} to ${bounds.max}`;
    throw new InputError(`Query parameter '${name}' must be a whole number ${range}.`);
  }
  return parsed;
}

import { parseQuery, queryWholeNumber, type WholeNumberBounds } from '../request-schema.js';

/** Bounds of a whole-number query parameter; `max` absent means no upper bound. */
export type QueryIntegerBounds = WholeNumberBounds;

/**
 * A whole-number query parameter (digits only), or `fallback` when absent or empty. Routes
 * declare `queryWholeNumber` in their query schema instead, so the OpenAPI document shows it.
 */
export function queryInteger(value: string | string[] | undefined, name: string, bounds: QueryIntegerBounds): number {
  return parseQuery(queryWholeNumber(name, bounds), value);
}

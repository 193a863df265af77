import { InputError } from './errors.js';

/** A parsed JSON request body that is an object (fields not yet checked). */
export type JsonObject = Readonly<Record<string, unknown>>;

/**
 * The request body as an object. A missing body counts as `{}` so optional-only endpoints
 * work without one; an array, string or number is a 400.
 */
export function jsonObject(body: unknown): JsonObject {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new InputError('Request body must be a JSON object.');
  return body as JsonObject;
}

/**
 * An optional string field, trimmed; absent, `null` and blank all give `null`. Any other type
 * is a 400 (never a 500), as the API contract requires.
 */
export function optionalString(body: JsonObject, field: string): string | null {
  const value = body[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new InputError(`Field '${field}' must be a string.`);
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/** An optional object of string values (`variables`); absent and `null` give `{}`. */
export function optionalStringMap(body: JsonObject, field: string): Readonly<Record<string, string>> {
  const value = body[field];
  if (value === undefined || value === null) return {};
  const message = `Field '${field}' must be an object of string values.`;
  if (typeof value !== 'object' || Array.isArray(value)) throw new InputError(message);
  const entries = Object.entries(value);
  if (entries.some(([, item]) => typeof item !== 'string')) throw new InputError(message);
  return Object.fromEntries(entries) as Record<string, string>;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `value` is a UUID in its canonical 8-4-4-4-12 form (any version, any case). */
export function isUuid(value: string): boolean {
  return uuidPattern.test(value);
}

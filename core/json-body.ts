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

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `value` is a UUID in its canonical 8-4-4-4-12 form (any version, any case). */
export function isUuid(value: string): boolean {
  return uuidPattern.test(value);
}

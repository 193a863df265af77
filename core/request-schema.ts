import { z } from 'zod';
import type { ErrorCode } from './error-codes.js';
import { InputError } from './errors.js';
import { isUuid, jsonObject } from './json-body.js';

/**
 * The request schemas' building blocks and their one parse step. The same zod schemas validate
 * the requests and describe them in the OpenAPI document (`GET /api/openapi.json`).
 *
 * Each block carries the host's own 400 messages (they are public contract): a wrong type says `Field '<name>' must be ...`, a missing value
 * `<name> is required.`. Strings are trimmed, and a blank value counts as absent.
 */

const mustBeString = (field: string) => `Field '${field}' must be a string.`;

/** A string that must be given (absent, `null` and blank are all "required"). */
export function requiredText(field: string, required = `${field} is required.`) {
  return z
    .string({ error: (issue) => (issue.input === undefined || issue.input === null ? required : mustBeString(field)) })
    .trim()
    .min(1, required);
}

/** An optional string; absent, `null` and blank give `null`. */
export function optionalText(field: string) {
  return z
    .string({ error: mustBeString(field) })
    .trim()
    .nullish()
    .transform((value) => (value === undefined || value === null || value === '' ? null : value));
}

/** An optional string of at most `max` characters after trimming. */
function boundedText(field: string, max: number) {
  return z
    .string({ error: mustBeString(field) })
    .trim()
    .max(max, `Field '${field}' must be at most ${max} characters.`)
    .nullish()
    .transform((value) => (value === undefined || value === null || value === '' ? null : value));
}

/** An object of string values (`variables`); absent and `null` give `{}`. */
export function stringMap(field: string) {
  const message = `Field '${field}' must be an object of string values.`;
  return z
    .record(z.string(), z.string({ error: message }), { error: message })
    .nullish()
    .transform((value): Readonly<Record<string, string>> => value ?? {});
}

const invalidEnvironmentId = {
  error: (issue: { readonly input?: unknown }) => `Invalid EnvironmentId format: '${String(issue.input)}'. Must be a valid GUID.`,
  params: { code: 'INVALID_ENVIRONMENT_ID' },
};

/** An environment id: a UUID in any case, given back in lower case. */
export function environmentIdText(field = 'environmentId') {
  return requiredText(field)
    .refine(isUuid, invalidEnvironmentId)
    .transform((value) => value.toLowerCase());
}

/** An optional environment id (absent or blank gives `undefined`), in lower case. */
export function optionalEnvironmentId(field = 'environmentId') {
  return optionalText(field)
    .refine((value) => value === null || isUuid(value), invalidEnvironmentId)
    .transform((value) => value?.toLowerCase() ?? undefined);
}

/** Bounds of a whole-number query parameter; `max` absent means no upper bound. */
export interface WholeNumberBounds {
  readonly fallback: number;
  readonly min: number;
  readonly max?: number;
}

/** A whole-number query parameter (digits only), or `fallback` when absent or empty. */
export function queryWholeNumber(name: string, bounds: WholeNumberBounds) {
  const max = bounds.max ?? Number.MAX_SAFE_INTEGER;
  const range = bounds.max === undefined ? `of at least ${bounds.min}` : `from ${bounds.min} to ${bounds.max}`;
  const message = `Query parameter '${name}' must be a whole number ${range}.`;
  const inRange = (value: string) => {
    const parsed = /^\d+$/.test(value) ? Number(value) : NaN;
    return Number.isSafeInteger(parsed) && parsed >= bounds.min && parsed <= max;
  };
  return z
    .string({ error: message })
    .refine((value) => value === '' || inRange(value), message)
    .optional()
    .transform((value) => (value === undefined || value === '' ? bounds.fallback : Number(value)))
    .meta({ description: `A whole number ${range}; ${bounds.fallback} when absent.` });
}

const isHttpUrl = (value: string): boolean => {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
};

/** Longest intent values the host takes (and keeps). */
export const INTENT_LIMITS = Object.freeze({ reason: 500, commit: 100, pipelineUrl: 2048 });

/**
 * The intent fields every deploying request takes (hooks, `POST /api/deployments`,
 * `POST /api/product-deployments`): spread into the request's object schema.
 */
export const intentFields = {
  reason: boundedText('reason', INTENT_LIMITS.reason).meta({ description: 'Why this deploy runs (shown in history and audit).' }),
  commit: boundedText('commit', INTENT_LIMITS.commit).meta({ description: 'The commit (or tag) being deployed.' }),
  pipelineUrl: boundedText('pipelineUrl', INTENT_LIMITS.pipelineUrl)
    .refine((value) => value === null || isHttpUrl(value), "Field 'pipelineUrl' must be an http or https URL.")
    .meta({ description: 'Address of the pipeline run (http or https).', format: 'uri' }),
};

/**
 * The one step from a zod schema's verdict to the host's answer: the first issue, in the order
 * the schema declares its fields, becomes an InputError (400) with that issue's message, and
 * with the code a refinement names in its `params` (`INVALID_INPUT` otherwise).
 */
function parseWith<Schema extends z.ZodType>(schema: Schema, value: unknown): z.output<Schema> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const [issue] = parsed.error.issues;
  const code = issue?.code === 'custom' ? (issue.params?.['code'] as ErrorCode | undefined) : undefined;
  throw new InputError(issue?.message ?? 'Invalid request.', code === undefined ? undefined : { code });
}

/** A JSON request body: a missing body counts as `{}`; an array, string or number is a 400. */
export function parseBody<Schema extends z.ZodType>(schema: Schema, body: unknown): z.output<Schema> {
  return parseWith(schema, jsonObject(body));
}

/** The query string's parameters. */
export function parseQuery<Schema extends z.ZodType>(schema: Schema, query: unknown): z.output<Schema> {
  return parseWith(schema, query);
}

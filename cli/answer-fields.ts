import { CliError } from './cli-error.js';
import { ExitCode } from './exit-codes.js';
import type { JsonBody } from './host-client.js';

function unexpected(field: string): CliError {
  return new CliError(`Unexpected answer from the host: '${field}' is missing. Is the URL that of an rsgo host of a matching version?`, ExitCode.failed, {
    code: 'UNEXPECTED_ANSWER',
  });
}

/**
 * The list in `body[field]`, typed as the API contract describes its items. The host is
 * trusted to keep its contract; only the list itself is checked, so that a wrong URL (another
 * service, a proxy page) gives a clear message instead of a crash.
 */
export function listField<Item>(body: JsonBody, field: string): Item[] {
  const value = body[field];
  if (!Array.isArray(value)) throw unexpected(field);
  return value as Item[];
}

/** The object in `body[field]`, typed as the API contract describes it (see {@link listField}). */
export function objectField<Value>(body: JsonBody, field: string): Value {
  const value = body[field];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw unexpected(field);
  return value as Value;
}

import { ConfigError, HostError, InputError, InternalError, UnavailableError, errorMessage } from './errors.js';

/** Driver error codes that mean "the database cannot be reached", not "the query is wrong". */
const connectionCodes = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT', 'ER_SERVER_SHUTDOWN', 'ER_CON_COUNT_ERROR', 'ER_ACCESS_DENIED_ERROR',
  'SQLITE_BUSY', 'SQLITE_IOERR', 'SQLITE_CANTOPEN', 'SQLITE_FULL', 'SQLITE_READONLY',
]);

/**
 * Drops the statement and values a failed query's error carries (knex adds `bindings`; the MySQL
 * driver adds `sql` with the values filled in): they may hold a deployment's variables, and an
 * error object may be logged or printed whole. The store never puts values into the message
 * itself (`compileSqlOnError: false`).
 */
function forgetBoundValues(err: object): void {
  const query = err as { sql?: unknown; bindings?: unknown };
  delete query.sql;
  delete query.bindings;
}

/** A 503 for an error that says the database is unreachable; null for any other error. */
export function storeUnavailable(err: unknown): UnavailableError | null {
  if (err === null || typeof err !== 'object') return null;
  forgetBoundValues(err);
  const { code, name, message } = err as { code?: unknown; name?: unknown; message?: unknown };
  // knex says "Unable to acquire a connection" once its pool is gone (the host is stopping).
  const lostPool =
    name === 'KnexTimeoutError' ||
    (typeof message === 'string' && (message.includes('Connection lost') || message.startsWith('Unable to acquire a connection')));
  if ((typeof code === 'string' && connectionCodes.has(code)) || lostPool) {
    return new UnavailableError('The database is unavailable; try again shortly.', {
      code: 'DATABASE_UNAVAILABLE',
      cause: err,
      headers: { 'Retry-After': '5' },
    });
  }
  return null;
}

/**
 * Whatever was thrown, as a HostError: host errors as they are, a config a reload refused as a
 * 400 with the problems a start would list, a lost database as a 503, and anything else as a
 * 500 that reveals nothing.
 */
export function toHostError(err: unknown): HostError {
  if (err instanceof HostError) return err;
  if (err instanceof ConfigError) return new InputError(err.message, { code: 'CONFIG_INVALID', cause: err });
  return storeUnavailable(err) ?? new InternalError(errorMessage(err), { cause: err });
}

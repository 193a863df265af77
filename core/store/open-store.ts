import { mkdir, open } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { inspect } from 'node:util';
import knex, { type Knex } from 'knex';
import type { HostConfig } from '../config/config-schema.js';
import type { Logger } from '../logger.js';
import { withMigrationLock } from './migration-lock.js';
import { migrationSource } from './migrations.js';
import { registerSqliteConnection, type SqliteConnection as LookupConnection } from './row-lookup.js';

/** The host's database handle (knex). */
export type Store = Knex;

/**
 * Longest a single MySQL/MariaDB query may run. A server that accepts connections but never
 * answers (frozen, overloaded, cut off without a reset) would otherwise hold every request that
 * touches the database forever; past this the query fails (503) and its connection is thrown
 * away. Schema changes at start are exempt: migrations may legitimately take long.
 */
export const MYSQL_QUERY_TIMEOUT_MS = 4_000;

/**
 * Longest wait for a pooled connection (connecting included). Like the query timeout it stays
 * below the `authenticate` hook's default deadline (5 s): a request that authenticates against
 * an unreachable database must get the database's 503, not the hook's timeout (500).
 */
const MYSQL_ACQUIRE_TIMEOUT_MS = 4_000;

/**
 * knex writes a failed query's SQL into the error message, by default with the bound values
 * filled in: a failed write of a deployment would put its variables (Password values too) into
 * every log line and 500 cause that quotes the error. Placeholders only.
 */
const queryErrors = { compileSqlOnError: false } as const;

/** What knex's `start` event hands over: any builder; only query and raw builders can time out. */
interface StartingBuilder {
  timeout?: (ms: number) => unknown;
  _timeout?: number;
}

interface SqliteConnection extends LookupConnection {
  pragma(statement: string): unknown;
}

/** Compiled statements kept per SQLite connection; the least recently used beyond this go. */
const STATEMENT_CACHE_SIZE = 256;

/**
 * Makes the connection's `prepare` reuse compiled statements. knex prepares every query anew,
 * and compiling the SQL was a fifth of the database time of a webhook call; the host runs the
 * same few dozen statements over and over. Reuse is safe here: better-sqlite3 runs a statement
 * to completion synchronously (knex never iterates one), and SQLite recompiles a statement by
 * itself when the schema changes.
 */
function cacheStatements(conn: SqliteConnection): void {
  const prepare = conn.prepare.bind(conn);
  const statements = new Map<string, ReturnType<SqliteConnection['prepare']>>();
  conn.prepare = (sql) => {
    let statement = statements.get(sql);
    if (statement === undefined) {
      statement = prepare(sql);
      if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value ?? '');
    } else {
      // Map order is insertion order: moving it to the end keeps the oldest-used first.
      statements.delete(sql);
    }
    statements.set(sql, statement);
    return statement;
  };
}

/** Creates the SQLite file owner-only before the driver opens it (it would use the umask). */
async function prepareSqliteFile(filename: string): Promise<void> {
  await mkdir(dirname(filename), { recursive: true, mode: 0o700 });
  const handle = await open(filename, 'a', 0o600);
  await handle.close();
}

/**
 * knex's own messages (a connection that could not be had, a deprecated call) as lines of the
 * host's log: knex would print them to the console, outside the log's format and level.
 */
function knexLog(log: Logger): Knex.Logger {
  const area = log.child({ area: 'database' });
  const text = (message: unknown) => (typeof message === 'string' ? message : inspect(message));
  return {
    debug: (message: unknown) => area.debug({}, text(message)),
    warn: (message: unknown) => area.warn({}, text(message)),
    error: (message: unknown) => area.error({}, text(message)),
    deprecate: (method: string, alternative: string) => area.warn({}, `${method} is deprecated, use ${alternative}`),
  };
}

/** Where the SQLite database of `database` lives: `database.filename`, else `<dataDir>/rsgo.sqlite`. */
export function sqliteFilename(database: HostConfig['database'], configDir: string, dataDir: string): string {
  return database.filename === undefined ? resolve(dataDir, 'rsgo.sqlite') : resolve(configDir, database.filename);
}

/**
 * Opens the configured database and runs pending migrations. SQLite (default) lives in the
 * data folder with WAL and foreign keys; MySQL/MariaDB is reached through `database.url`.
 * With `log`, knex's own warnings go to it instead of the console.
 */
export async function openStore(database: HostConfig['database'], configDir: string, dataDir: string, log?: Logger): Promise<Store> {
  let db: Knex;
  const logOption = log === undefined ? {} : { log: knexLog(log) };
  if (database.client === 'mysql') {
    db = knex({
      client: 'mysql2',
      connection: { uri: database.url ?? '', timezone: 'Z', connectTimeout: MYSQL_ACQUIRE_TIMEOUT_MS } as Knex.MySql2ConnectionConfig,
      pool: { min: 0, max: 10 },
      // Requests during a database outage must fail fast (503), not queue forever.
      acquireConnectionTimeout: MYSQL_ACQUIRE_TIMEOUT_MS,
      ...queryErrors,
      ...logOption,
    });
    db.on('start', (builder: StartingBuilder) => {
      if (typeof builder.timeout === 'function' && builder._timeout === undefined) builder.timeout(MYSQL_QUERY_TIMEOUT_MS);
    });
  } else {
    const filename = sqliteFilename(database, configDir, dataDir);
    await prepareSqliteFile(filename);
    // The pool holds one connection (SQLite writes one at a time); lookups read through it.
    let connection: SqliteConnection | undefined;
    db = knex({
      client: 'better-sqlite3',
      connection: { filename },
      useNullAsDefault: true,
      ...queryErrors,
      ...logOption,
      pool: {
        min: 1,
        max: 1,
        afterCreate: (conn: SqliteConnection, done: (err: Error | null, conn: SqliteConnection) => void) => {
          conn.pragma('journal_mode = WAL');
          // The driver's WAL default (NORMAL) may lose the last commits on a power cut or OS
          // crash; FULL syncs the WAL on every commit, so an acknowledged write is on disk.
          conn.pragma('synchronous = FULL');
          conn.pragma('foreign_keys = ON');
          conn.pragma('busy_timeout = 5000');
          cacheStatements(conn);
          connection = conn;
          done(null, conn);
        },
      },
    });
    registerSqliteConnection(db, () => connection);
  }
  try {
    const migrate = () => db.migrate.latest({ migrationSource });
    await (database.client === 'mysql' ? withMigrationLock(db, migrate) : migrate());
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return db;
}

import type { Knex } from 'knex';

/** The parts of a better-sqlite3 connection that lookups and inserts use. */
export interface SqliteConnection {
  readonly open: boolean;
  readonly inTransaction: boolean;
  prepare(sql: string): { get(...bindings: unknown[]): unknown; run(...bindings: unknown[]): unknown };
  exec(sql: string): unknown;
}

/** The SQLite connection behind each store that has one, as its pool currently holds it. */
const sqliteConnections = new WeakMap<Knex, () => SqliteConnection | undefined>();

/** Lets lookups on `store` read through its SQLite connection directly; see {@link rowLookup}. */
export function registerSqliteConnection(store: Knex, current: () => SqliteConnection | undefined): void {
  sqliteConnections.set(store, current);
}

/**
 * The SQLite connection of `store`, when it has one that may be used directly now: open, and
 * no transaction of knex's open on it (a statement run there would join that transaction).
 * `undefined` when the store has no SQLite connection at all.
 */
export function sqliteConnectionOf(store: Knex): (() => SqliteConnection | null) | undefined {
  const current = sqliteConnections.get(store);
  if (current === undefined) return undefined;
  return () => {
    const conn = current();
    return conn === undefined || !conn.open || conn.inTransaction ? null : conn;
  };
}

/** A statement of a {@link SqliteConnection}. */
export type SqliteStatement = ReturnType<SqliteConnection['prepare']>;

/**
 * `sql` prepared on a connection once and reused while the store keeps that connection:
 * preparing a statement cost about five times what running it does.
 */
export function preparedStatement(sql: string): (conn: SqliteConnection) => SqliteStatement {
  let prepared: { readonly conn: SqliteConnection; readonly statement: SqliteStatement } | null = null;
  return (conn) => {
    if (prepared?.conn !== conn) prepared = { conn, statement: conn.prepare(sql) };
    return prepared.statement;
  };
}

/** Stands for argument `index` while a query is compiled; no real value looks like it. */
export const placeholder = (index: number) => `\u0000rsgo-query-argument-${index}\u0000`;

/**
 * A one-row query asked on every webhook call (a key by hash, a deployment by name), written
 * once with knex and run with new arguments each time.
 *
 * On SQLite, the query is compiled once and run on the store's own connection, synchronously:
 * going through knex's builder, runner and pool took five times as long as the statement
 * itself. It is the same connection knex uses, and only while no transaction is open on it, so
 * it reads exactly what knex would. Otherwise (MySQL, a transaction under way, no connection
 * yet) the query runs through knex as usual.
 */
export function rowLookup<Args extends string[], Row extends object>(
  store: Knex,
  build: (db: Knex, ...args: Args) => Knex.QueryBuilder,
): (...args: Args) => Promise<Row | undefined> {
  // The limit is written into the SQL: SQLite compiles a statement anew on every run whose
  // `LIMIT ?` is bound again, which tripled the cost of a lookup.
  const oneRow = (query: Knex.QueryBuilder) => query.limit(1, { skipBinding: true });
  const throughKnex = async (args: Args): Promise<Row | undefined> => {
    const rows: unknown = await oneRow(build(store, ...args));
    return Array.isArray(rows) ? (rows[0] as Row | undefined) : undefined;
  };
  const usableConnection = sqliteConnectionOf(store);
  if (usableConnection === undefined) return (...args) => throughKnex(args);

  // `build` declares one parameter per argument after the store.
  const placeholders = Array.from({ length: build.length - 1 }, (_, i) => placeholder(i));
  const compiled = oneRow(build(store, ...(placeholders as Args))).toSQL().toNative();
  // Each bound value is either one of the arguments or a constant the query was built with.
  const binders = compiled.bindings.map((value) => {
    const index = placeholders.indexOf(value as string);
    return index < 0 ? () => value : (args: Args) => args[index];
  });
  const statementOn = preparedStatement(compiled.sql);
  return (...args) => {
    const conn = usableConnection();
    if (conn === null) return throughKnex(args);
    const bindings = binders.map((bind) => bind(args));
    // Observers of the store's queries (query logs, tests) see this one as well.
    store.emit('query', { method: 'select', sql: compiled.sql, bindings });
    try {
      return Promise.resolve(statementOn(conn).get(...bindings) as Row | undefined);
    } catch (err) {
      return Promise.reject(err as Error);
    }
  };
}

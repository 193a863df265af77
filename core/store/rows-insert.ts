import type { Store } from './open-store.js';
import { placeholder, preparedStatement, sqliteConnectionOf } from './row-lookup.js';

/** A value every engine stores as it is given. */
export type ColumnValue = string | number | null;

/**
 * Writes batches of rows into one table, each batch in one transaction: what the audit trail
 * does after every group of hook calls.
 *
 * On SQLite, a one-row INSERT compiled once runs for each row of the batch on the store's own
 * connection, synchronously, inside one transaction: knex built and compiled a multi-row
 * INSERT anew for every batch, which cost more than writing the rows. As with lookups, this
 * happens only while no knex transaction is open on that connection; otherwise, and on MySQL,
 * knex inserts the batch as one multi-row INSERT.
 *
 * With `syncWithNextWrite`, such a commit on SQLite does not wait for the disk: it is complete
 * and seen by every reader at once, survives the host process crashing, and reaches the disk
 * with the next write that does wait (the write-ahead log is synced as a whole). Only for rows
 * whose writer makes that next write itself, moments later; a machine losing power in between
 * loses the row.
 */
export function rowsInsert<Row extends { readonly [Column in keyof Row]: ColumnValue }>(
  store: Store,
  table: string,
  columns: readonly (keyof Row & string)[],
  { syncWithNextWrite = false }: { readonly syncWithNextWrite?: boolean } = {},
): (rows: readonly Row[]) => Promise<void> {
  const throughKnex = async (rows: readonly Row[]) => {
    await store(table).insert(rows);
  };
  const usableConnection = sqliteConnectionOf(store);
  if (usableConnection === undefined) return throughKnex;

  const placeholders = columns.map((_, i) => placeholder(i));
  const compiled = store(table)
    .insert(Object.fromEntries(columns.map((column, i) => [column, placeholders[i]])))
    .toSQL()
    .toNative();
  // knex orders the columns its own way: the column bound at each position.
  const bound = compiled.bindings.map((value) => {
    const column = columns[placeholders.indexOf(value as string)];
    if (column === undefined) throw new Error(`rowsInsert: ${table} compiled to an unexpected binding`);
    return column;
  });
  const statementOn = preparedStatement(compiled.sql);
  return (rows) => {
    const conn = usableConnection();
    if (conn === null || rows.length === 0) return throughKnex(rows);
    const statement = statementOn(conn);
    // One row commits on its own; an explicit transaction would only add two statements.
    const batch = rows.length > 1;
    try {
      // Set and reset in this one synchronous step: no other statement runs in between.
      if (syncWithNextWrite) conn.exec('pragma synchronous = NORMAL');
      if (batch) conn.exec('begin');
      for (const row of rows) {
        const bindings = bound.map((column) => row[column]);
        // Observers of the store's queries (query logs, tests) see these as well.
        store.emit('query', { method: 'insert', sql: compiled.sql, bindings });
        statement.run(...bindings);
      }
      if (batch) conn.exec('commit');
    } catch (err) {
      if (conn.inTransaction) conn.exec('rollback');
      return Promise.reject(err as Error);
    } finally {
      if (syncWithNextWrite) conn.exec('pragma synchronous = FULL');
    }
    return Promise.resolve();
  };
}

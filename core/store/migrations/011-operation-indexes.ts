import type { Knex } from 'knex';

const isSqlite = (db: Knex) => db.client.config.client === 'better-sqlite3';

/**
 * Fewer index entries per new operation on SQLite, whose row an asynchronous hook's 202 waits
 * for: each index the insert touches is one more page written at commit. The Idempotency-Key's
 * unique index holds only the calls that sent a key (a lookup by hash still uses it, and the
 * uniqueness is the same), and the index on host and status goes: one SQLite file serves one
 * host, whose only reader of it is the check for unfinished operations at start-up, a scan
 * of a table pruned to 7 days. MySQL, shared by several hosts, keeps both.
 */
export const operationIndexes = {
  name: '011-operation-indexes',
  async up(db: Knex): Promise<void> {
    if (!isSqlite(db)) return;
    await db.schema.alterTable('operations', (t) => {
      t.dropUnique(['idempotency_hash']);
      t.dropIndex(['host_id', 'status']);
    });
    await db.raw('create unique index operations_idempotency_hash_unique on operations (idempotency_hash) where idempotency_hash is not null');
  },
  async down(db: Knex): Promise<void> {
    if (!isSqlite(db)) return;
    await db.raw('drop index operations_idempotency_hash_unique');
    await db.schema.alterTable('operations', (t) => {
      t.unique(['idempotency_hash']);
      t.index(['host_id', 'status']);
    });
  },
};

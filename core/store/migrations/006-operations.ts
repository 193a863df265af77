import type { Knex } from 'knex';

/**
 * Operations: every hook call that ran, with its answer, its owner and the events its followers
 * see, kept 7 days; and the Idempotency-Key of a call, unique per owner so that duplicates sent
 * at once, to several hosts or across a restart, run once.
 */
export const operations = {
  name: '006-operations',
  async up(db: Knex): Promise<void> {
    await db.schema.createTable('operations', (t) => {
      t.string('id', 36).primary();
      t.string('kind', 32).notNullable();
      t.string('status', 16).notNullable();
      /** `apiKey:<id>`, `user:<id>` or `plugin:<instance>:<hash of the name>`. */
      t.string('owner', 120).notNullable();
      /** The host process that runs it: a host that restarts fails its own unfinished operations. */
      t.string('host_id', 36).notNullable();
      t.string('created_at', 32).notNullable();
      t.string('started_at', 32).nullable();
      t.string('finished_at', 32).nullable();
      t.integer('http_status').nullable();
      /** JSON of the answer's body, as the synchronous call answers it. */
      t.text('result').nullable();
      /** SHA-256 hex of owner and Idempotency-Key; NULL without a key or once the 24 h passed. */
      t.string('idempotency_hash', 64).nullable();
      /** SHA-256 hex of the endpoint and body the key was first used with. */
      t.string('request_hash', 64).nullable();
      t.unique(['idempotency_hash']);
      t.index(['created_at']);
      t.index(['host_id', 'status']);
    });
    await db.schema.createTable('operation_events', (t) => {
      t.string('operation_id', 36).notNullable().references('id').inTable('operations').onDelete('CASCADE');
      t.integer('seq').notNullable();
      t.string('type', 16).notNullable();
      /** JSON of the event's data. */
      t.text('data').notNullable();
      t.primary(['operation_id', 'seq']);
    });
  },
  async down(db: Knex): Promise<void> {
    await db.schema.dropTable('operation_events');
    await db.schema.dropTable('operations');
  },
};

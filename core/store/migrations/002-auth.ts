import type { Knex } from 'knex';

/** Users (operators who sign in), API keys (pipelines) and the audit trail. */
export const auth = {
  name: '002-auth',
  async up(db: Knex): Promise<void> {
    await db.schema.createTable('users', (t) => {
      t.string('id', 36).primary();
      t.string('username', 100).notNullable().unique();
      // `scrypt$N$r$p$salt$hash`: the parameters travel with the hash so they can be raised later.
      t.string('password_hash', 255).notNullable();
      t.string('created_at', 32).notNullable();
    });
    await db.schema.createTable('api_keys', (t) => {
      t.string('id', 36).primary();
      t.string('name', 100).notNullable();
      // The name while the key is active, NULL once revoked: a unique index that allows many
      // NULLs keeps active names unique and lets a revoked key's name be reused.
      t.string('active_name', 100).nullable().unique();
      t.string('key_prefix', 12).notNullable();
      // SHA-256 hex of the whole key; the key itself is never stored.
      t.string('key_hash', 64).notNullable().unique();
      t.text('permissions').notNullable();
      t.string('environment_id', 36).nullable().references('id').inTable('environments');
      t.string('expires_at', 32).nullable();
      t.string('created_at', 32).notNullable();
      t.string('last_used_at', 32).nullable();
      t.boolean('is_revoked').notNullable().defaultTo(false);
      t.string('revoked_at', 32).nullable();
    });
    await db.schema.createTable('audit_events', (t) => {
      // Auto-increment: "newest first" is id order, immune to clock steps and equal timestamps.
      t.bigIncrements('id').primary();
      t.string('at', 32).notNullable();
      t.string('action', 40).notNullable();
      t.string('outcome', 10).notNullable();
      t.integer('status').nullable();
      t.string('actor_kind', 10).nullable();
      t.string('actor_id', 36).nullable();
      t.string('actor_name', 100).nullable();
      t.string('client_ip', 64).nullable();
      t.string('endpoint', 200).nullable();
      t.string('target', 300).nullable();
      t.string('environment_id', 36).nullable();
      t.integer('duration_ms').nullable();
      t.string('code', 60).nullable();
      t.string('message', 500).nullable();
    });
  },
  async down(db: Knex): Promise<void> {
    await db.schema.dropTable('audit_events');
    await db.schema.dropTable('api_keys');
    await db.schema.dropTable('users');
  },
};

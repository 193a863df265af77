import type { Knex } from 'knex';

/**
 * Sign-in sessions kept in the store, so that signing out or changing a password ends them at
 * once on every host sharing the database; and the key prefix an `auth.rejected` row records.
 */
export const sessions = {
  name: '005-sessions',
  async up(db: Knex): Promise<void> {
    await db.schema.createTable('sessions', (t) => {
      // The token's `jti`: a token is accepted only while its row exists.
      t.string('id', 36).primary();
      t.string('user_id', 36).notNullable().references('id').inTable('users').onDelete('CASCADE');
      t.string('created_at', 32).notNullable();
      t.string('expires_at', 32).notNullable();
      t.index(['user_id']);
      t.index(['expires_at']);
    });
    await db.schema.alterTable('audit_events', (t) => {
      // At most the 12 characters a key's public prefix has, never more of what was presented.
      t.string('key_prefix', 12).nullable();
    });
  },
  async down(db: Knex): Promise<void> {
    await db.schema.alterTable('audit_events', (t) => t.dropColumn('key_prefix'));
    await db.schema.dropTable('sessions');
  },
};

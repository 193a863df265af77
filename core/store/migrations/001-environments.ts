import type { Knex } from 'knex';

/** Environments: where stacks run. The default `local` one is created at start. */
export const environments = {
  name: '001-environments',
  async up(db: Knex): Promise<void> {
    await db.schema.createTable('environments', (t) => {
      t.string('id', 36).primary();
      t.string('name', 100).notNullable().unique();
      t.string('type', 40).notNullable();
      t.string('docker_host', 500).nullable();
      t.text('tls_ca').nullable();
      t.text('tls_cert').nullable();
      t.text('tls_key').nullable();
      t.boolean('is_default').notNullable().defaultTo(false);
      t.string('created_at', 32).notNullable();
    });
  },
  async down(db: Knex): Promise<void> {
    await db.schema.dropTable('environments');
  },
};

import type { Knex } from 'knex';

/**
 * The catalog's generation: one row whose number every completed catalog sync raises, so that
 * hosts sharing the database learn that their catalog in memory is older than another's.
 */
export const catalogGeneration = {
  name: '009-catalog-generation',
  async up(db: Knex): Promise<void> {
    await db.schema.createTable('catalog_generations', (t) => {
      /** Always `catalog`: the one catalog of the installation. */
      t.string('name', 20).primary();
      t.integer('generation').notNullable();
    });
    await db('catalog_generations').insert({ name: 'catalog', generation: 0 });
  },
  async down(db: Knex): Promise<void> {
    await db.schema.dropTable('catalog_generations');
  },
};

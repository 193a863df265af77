import type { Knex } from 'knex';

/**
 * Deployments (one stack in one environment), product deployments (every stack of a product),
 * the history of operations on each deployment, and the per-stack leases that serialise
 * operations across host processes sharing the database.
 */
export const deployments = {
  name: '003-deployments',
  async up(db: Knex): Promise<void> {
    await db.schema.createTable('product_deployments', (t) => {
      t.string('id', 36).primary();
      t.string('environment_id', 36).notNullable().references('id').inTable('environments');
      /** The product's groupId. */
      t.string('product_id', 255).notNullable();
      t.string('product_name', 255).notNullable();
      t.string('version', 100).notNullable();
      t.string('deployment_name', 100).notNullable();
      t.string('status', 20).notNullable();
      t.text('error_message').nullable();
      // Lower-case groupId while the product deployment is not Removed, else NULL: one active
      // product deployment per product and environment, enforced by the database.
      t.string('active_key', 255).nullable();
      t.string('created_at', 32).notNullable();
      t.string('updated_at', 32).notNullable();
      t.unique(['environment_id', 'active_key']);
    });
    await db.schema.createTable('deployments', (t) => {
      t.string('id', 36).primary();
      t.string('environment_id', 36).notNullable().references('id').inTable('environments');
      t.string('stack_name', 100).notNullable();
      // Lower-case stack name while the deployment is not Removed, else NULL: one live
      // deployment per stack name and environment, whatever the engine's collation.
      t.string('active_key', 100).nullable();
      /** The catalog's stack id: `<sourceId>:<productId or name>:<version>:<stack>`. */
      t.string('stack_id', 700).notNullable();
      t.string('product_id', 255).notNullable();
      t.string('product_name', 255).notNullable();
      /** The stack's name in the product manifest. */
      t.string('stack_definition', 255).notNullable();
      t.string('version', 100).notNullable();
      t.string('previous_version', 100).nullable();
      t.string('status', 20).notNullable();
      t.text('error_message').nullable();
      /** JSON object of the values the running containers were made with. */
      t.text('variables').notNullable();
      /** JSON list of the names of Password variables (masked in every answer). */
      t.text('secret_variables').notNullable();
      /** JSON list of the containers as the runtime last reported them. */
      t.text('services').notNullable();
      /** JSON of the operation in flight (target version, variables, services); NULL when idle. */
      t.text('pending').nullable();
      t.string('product_deployment_id', 36).nullable().references('id').inTable('product_deployments');
      t.integer('stack_order').nullable();
      t.string('created_at', 32).notNullable();
      t.string('updated_at', 32).notNullable();
      t.unique(['environment_id', 'active_key']);
      t.index(['product_deployment_id']);
      t.index(['status']);
    });
    await db.schema.createTable('deployment_history', (t) => {
      t.increments('id').primary();
      t.string('deployment_id', 36).notNullable().references('id').inTable('deployments').onDelete('CASCADE');
      t.string('operation', 20).notNullable();
      t.string('outcome', 20).notNullable();
      t.string('started_at', 32).notNullable();
      t.string('finished_at', 32).nullable();
      t.text('message').nullable();
      t.string('triggered_by', 255).notNullable();
      t.string('from_version', 100).nullable();
      t.string('to_version', 100).nullable();
      t.index(['deployment_id']);
    });
    await db.schema.createTable('stack_leases', (t) => {
      t.string('environment_id', 36).notNullable();
      t.string('stack_key', 100).notNullable();
      /** Which lock holder (process and operation) has the stack. */
      t.string('holder', 80).notNullable();
      /** Epoch milliseconds; a lease not renewed by then is free (its holder died). */
      t.bigInteger('expires_at').notNullable();
      t.primary(['environment_id', 'stack_key']);
    });
  },
  async down(db: Knex): Promise<void> {
    await db.schema.dropTable('stack_leases');
    await db.schema.dropTable('deployment_history');
    await db.schema.dropTable('deployments');
    await db.schema.dropTable('product_deployments');
  },
};

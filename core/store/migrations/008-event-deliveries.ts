import type { Knex } from 'knex';

/**
 * Events a plugin delivers outward (the `webhook-notifier`): one row per event and target,
 * kept until it is delivered or its retries run out, so retries survive a restart; and one
 * row per attempt, for `GET /api/event-deliveries`.
 */
export const eventDeliveries = {
  name: '008-event-deliveries',
  async up(db: Knex): Promise<void> {
    await db.schema.createTable('event_deliveries', (t) => {
      t.string('id', 36).primary();
      /** The plugin instance that delivers it. */
      t.string('plugin', 100).notNullable();
      /** The event's id: the same for every target and every attempt (`webhook-id`). */
      t.string('event_id', 64).notNullable();
      t.string('event_type', 100).notNullable();
      /** The target as operators see it: a name, never a secret. */
      t.string('target', 255).notNullable();
      /** JSON of the event as the plugin gave it. */
      t.text('payload').notNullable();
      /** `Pending`, `Delivered` or `Failed` (its retries ran out). */
      t.string('status', 20).notNullable();
      t.integer('attempt_count').notNullable();
      /** Epoch milliseconds of the next attempt; NULL once it is no longer pending. */
      t.bigInteger('next_attempt_at').nullable();
      /** Which host process is attempting it, and until when (epoch ms) that claim holds. */
      t.string('claimed_by', 36).nullable();
      t.bigInteger('claimed_until').nullable();
      t.string('created_at', 32).notNullable();
      t.string('finished_at', 32).nullable();
      t.unique(['plugin', 'event_id', 'target']);
      t.index(['plugin', 'status', 'next_attempt_at']);
      t.index(['status']);
    });
    await db.schema.createTable('event_delivery_attempts', (t) => {
      t.increments('id').primary();
      t.string('delivery_id', 36).notNullable().references('id').inTable('event_deliveries').onDelete('CASCADE');
      t.string('attempted_at', 32).notNullable();
      /** The receiver's HTTP status; NULL when there was no answer (see `error`). */
      t.integer('status_code').nullable();
      t.text('error').nullable();
      t.integer('duration_ms').notNullable();
      t.index(['delivery_id']);
    });
  },
  async down(db: Knex): Promise<void> {
    await db.schema.dropTable('event_delivery_attempts');
    await db.schema.dropTable('event_deliveries');
  },
};

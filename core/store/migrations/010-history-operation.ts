import type { Knex } from 'knex';

/**
 * The operation (`GET /api/operations/:id`) a history entry ran as, so that a client reading a
 * deployment with an operation in flight can follow that operation's events.
 */
export const historyOperation = {
  name: '010-history-operation',
  async up(db: Knex): Promise<void> {
    await db.schema.alterTable('deployment_history', (t) => {
      t.string('operation_id', 36).nullable();
    });
  },
  async down(db: Knex): Promise<void> {
    await db.schema.alterTable('deployment_history', (t) => {
      t.dropColumn('operation_id');
    });
  },
};

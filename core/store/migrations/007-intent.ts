import type { Knex } from 'knex';

/**
 * The intent of an operation (reason, commit, pipeline URL) on its history entry, on the audit
 * row of the request that started it and on the hook call's operation. Widths are the request
 * schema's limits.
 */
export const intent = {
  name: '007-intent',
  async up(db: Knex): Promise<void> {
    for (const table of ['deployment_history', 'audit_events', 'operations']) {
      await db.schema.alterTable(table, (t) => {
        t.string('reason', 500).nullable();
        t.string('commit_ref', 100).nullable();
        t.text('pipeline_url').nullable();
      });
    }
  },
  async down(db: Knex): Promise<void> {
    for (const table of ['deployment_history', 'audit_events', 'operations']) {
      await db.schema.alterTable(table, (t) => {
        t.dropColumn('reason');
        t.dropColumn('commit_ref');
        t.dropColumn('pipeline_url');
      });
    }
  },
};

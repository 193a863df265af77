import type { Knex } from 'knex';

const legacyColumns = ['docker_host', 'tls_ca', 'tls_cert', 'tls_key'] as const;

interface LegacyRow {
  id: string;
  docker_host: string | null;
  tls_ca: string | null;
  tls_cert: string | null;
  tls_key: string | null;
}

/**
 * Environments become runtime-neutral: what the first schema kept in Docker columns (engine
 * address, TLS client certificates) moves into one JSON `settings` column, in the shape the
 * Docker runtime's settings schema has, so existing environments keep working.
 */
export const environmentSettings = {
  name: '004-environment-settings',
  async up(db: Knex): Promise<void> {
    // Nullable: MySQL cannot give a TEXT column a default; every row is written below.
    await db.schema.alterTable('environments', (t) => t.text('settings').nullable());
    const rows = await db<LegacyRow>('environments').select('id', ...legacyColumns);
    for (const row of rows) {
      const tls = row.tls_ca && row.tls_cert && row.tls_key ? { ca: row.tls_ca, cert: row.tls_cert, key: row.tls_key } : null;
      await db('environments').where({ id: row.id }).update({ settings: JSON.stringify({ dockerHost: row.docker_host, tls }) });
    }
    // One plain statement per column: SQLite (3.35+) and MySQL both drop a column in place,
    // without rebuilding a table that other tables reference.
    for (const column of legacyColumns) await db.raw('ALTER TABLE ?? DROP COLUMN ??', ['environments', column]);
  },
  async down(db: Knex): Promise<void> {
    await db.schema.alterTable('environments', (t) => {
      t.string('docker_host', 500).nullable();
      t.text('tls_ca').nullable();
      t.text('tls_cert').nullable();
      t.text('tls_key').nullable();
    });
    const rows = await db<{ id: string; settings: string | null }>('environments').select('id', 'settings');
    for (const row of rows) {
      const settings = JSON.parse(row.settings ?? '{}') as { dockerHost?: string | null; tls?: { ca: string; cert: string; key: string } | null };
      await db('environments')
        .where({ id: row.id })
        .update({ docker_host: settings.dockerHost ?? null, tls_ca: settings.tls?.ca ?? null, tls_cert: settings.tls?.cert ?? null, tls_key: settings.tls?.key ?? null });
    }
    await db.raw('ALTER TABLE ?? DROP COLUMN ??', ['environments', 'settings']);
  },
};

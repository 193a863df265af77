import type { Knex } from 'knex';

/**
 * The MySQL/MariaDB named lock hosts sharing a database take to migrate it one at a time. Lock
 * names are server-wide: the database's name (hashed, names are limited to 64 characters) keeps
 * installations on one server from waiting for each other.
 */
const LOCK_NAME = "CONCAT('rsgo.migrations.', SHA1(DATABASE()))";
/** How long a starting host waits for another one's migrations before it gives up. */
export const MIGRATION_LOCK_WAIT_SECONDS = 120;

/**
 * Runs `migrate` while holding the database-wide migration lock (MySQL/MariaDB `GET_LOCK`).
 * knex's own migration lock fails at once when another host holds it ("Migration table is
 * already locked") and can be doubled by two hosts creating its table together; hosts started
 * together (a rollout, a compose file) must instead wait for each other. The lock belongs to
 * one connection, held aside from the pool's until the migrations are done; it is freed by the
 * server if that connection dies.
 */
export async function withMigrationLock<T>(db: Knex, migrate: () => Promise<T>): Promise<T> {
  const connection: unknown = await db.client.acquireConnection();
  try {
    const [rows] = (await db
      .raw(`SELECT GET_LOCK(${LOCK_NAME}, ?) AS taken`, [MIGRATION_LOCK_WAIT_SECONDS])
      .connection(connection)
      .timeout((MIGRATION_LOCK_WAIT_SECONDS + 10) * 1000)) as [Array<{ taken: number | null }>];
    if (rows[0]?.taken !== 1) {
      throw new Error(`another host sharing the database has been migrating it for ${MIGRATION_LOCK_WAIT_SECONDS} s; try again once it has started`);
    }
    try {
      return await migrate();
    } finally {
      await db.raw(`SELECT RELEASE_LOCK(${LOCK_NAME})`).connection(connection);
    }
  } finally {
    await db.client.releaseConnection(connection);
  }
}

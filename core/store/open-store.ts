import { mkdir, open } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import knex, { type Knex } from 'knex';
import type { HostConfig } from '../config/config-schema.js';
import { migrationSource } from './migrations.js';

/** The host's database handle (knex). */
export type Store = Knex;

interface SqliteConnection {
  pragma(statement: string): unknown;
}

/** Creates the SQLite file owner-only before the driver opens it (it would use the umask). */
async function prepareSqliteFile(filename: string): Promise<void> {
  await mkdir(dirname(filename), { recursive: true, mode: 0o700 });
  const handle = await open(filename, 'a', 0o600);
  await handle.close();
}

/** Where the SQLite database of `database` lives: `database.filename`, else `<dataDir>/rsgo.sqlite`. */
export function sqliteFilename(database: HostConfig['database'], configDir: string, dataDir: string): string {
  return database.filename === undefined ? resolve(dataDir, 'rsgo.sqlite') : resolve(configDir, database.filename);
}

/**
 * Opens the configured database and runs pending migrations. SQLite (default) lives in the
 * data folder with WAL and foreign keys; MySQL/MariaDB is reached through `database.url`.
 */
export async function openStore(database: HostConfig['database'], configDir: string, dataDir: string): Promise<Store> {
  let db: Knex;
  if (database.client === 'mysql') {
    db = knex({
      client: 'mysql2',
      connection: { uri: database.url ?? '', timezone: 'Z', connectTimeout: 5_000 } as Knex.MySql2ConnectionConfig,
      pool: { min: 0, max: 10 },
      // Requests during a database outage must fail fast (503), not queue forever.
      acquireConnectionTimeout: 5_000,
    });
  } else {
    const filename = sqliteFilename(database, configDir, dataDir);
    await prepareSqliteFile(filename);
    db = knex({
      client: 'better-sqlite3',
      connection: { filename },
      useNullAsDefault: true,
      pool: {
        min: 1,
        max: 1,
        afterCreate: (conn: SqliteConnection, done: (err: Error | null, conn: SqliteConnection) => void) => {
          conn.pragma('journal_mode = WAL');
          conn.pragma('foreign_keys = ON');
          conn.pragma('busy_timeout = 5000');
          done(null, conn);
        },
      },
    });
  }
  try {
    await db.migrate.latest({ migrationSource });
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return db;
}

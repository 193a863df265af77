import { randomBytes } from 'node:crypto';
import type { ExecutionContext } from 'ava';
import knex from 'knex';

/** The MariaDB/MySQL server the tests use (the provisioning script creates this user). */
export const MYSQL_SERVER_URL = process.env['RSGO_TEST_MYSQL_URL'] ?? 'mysql://rsgo:rsgo-test@127.0.0.1:3306';

/** The engines every store test runs on. */
export const databaseEngines = ['sqlite', 'mysql'] as const;
export type DatabaseEngine = (typeof databaseEngines)[number];

/** A fresh, empty MySQL database for one test, dropped when the test ends; returns its URL. */
export async function createMysqlDatabase(t: ExecutionContext): Promise<string> {
  const name = `rsgo_t_${randomBytes(6).toString('hex')}`;
  const admin = knex({ client: 'mysql2', connection: { uri: MYSQL_SERVER_URL } as never, pool: { min: 0, max: 1 } });
  try {
    await admin.raw(`CREATE DATABASE \`${name}\``);
  } finally {
    await admin.destroy();
  }
  t.teardown(async () => {
    const dropper = knex({ client: 'mysql2', connection: { uri: MYSQL_SERVER_URL } as never, pool: { min: 0, max: 1 } });
    await dropper.raw(`DROP DATABASE IF EXISTS \`${name}\``);
    await dropper.destroy();
  });
  return `${MYSQL_SERVER_URL}/${name}`;
}

/** The `database:` config section for `engine`, with a fresh database for MySQL. */
export async function databaseConfig(t: ExecutionContext, engine: DatabaseEngine): Promise<Record<string, unknown>> {
  return engine === 'mysql' ? { client: 'mysql', url: await createMysqlDatabase(t) } : { client: 'sqlite' };
}

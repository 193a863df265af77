import test from 'ava';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knex, { type Knex } from 'knex';
import { migrations, migrationSourceOf } from '../../../core/store/migrations.js';
import { useAuthHost } from '../../support/api-keys.js';
import { databaseConfig, databaseEngines } from '../../support/databases.js';

const pem = (kind: string) => `-----BEGIN ${kind}-----\nMIIB\n-----END ${kind}-----\n`;
const tls = { ca: pem('CERTIFICATE'), cert: pem('CERTIFICATE'), key: pem('PRIVATE KEY') };
const ids = { local: '0e7a3c52-5f0c-4c55-9f3e-6b1d2b8f0001', edge: '0e7a3c52-5f0c-4c55-9f3e-6b1d2b8f0002', key: '0e7a3c52-5f0c-4c55-9f3e-6b1d2b8f0003' };

/** A connection of the engine's driver to `database`, foreign keys enforced as the host has them. */
function connect(database: Record<string, unknown>): Knex {
  if (database['client'] === 'mysql') return knex({ client: 'mysql2', connection: { uri: String(database['url']) } as never, pool: { min: 0, max: 1 } });
  return knex({
    client: 'better-sqlite3',
    connection: { filename: String(database['filename']) },
    useNullAsDefault: true,
    pool: {
      min: 1,
      max: 1,
      afterCreate: (conn: { pragma(sql: string): unknown }, done: (err: null, conn: unknown) => void) => {
        conn.pragma('foreign_keys = ON');
        done(null, conn);
      },
    },
  });
}

for (const engine of databaseEngines) {
  test(`an installation's environments keep their engine address and TLS certificates across the settings migration (${engine})`, async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'rsgo-migration-'));
    t.teardown(() => rm(dir, { recursive: true, force: true }));
    const database = engine === 'sqlite' ? { client: 'sqlite', filename: join(dir, 'rsgo.sqlite') } : await databaseConfig(t, engine);

    // The schema and rows of a host from before the migration, a key scoped to an environment included.
    const before = connect(database);
    try {
      await before.migrate.latest({ migrationSource: migrationSourceOf(migrations.slice(0, 3)) });
      const createdAt = '2026-01-05T10:00:00.000Z';
      await before('environments').insert([
        { id: ids.local, name: 'local', type: 'docker', docker_host: null, tls_ca: null, tls_cert: null, tls_key: null, is_default: true, created_at: createdAt },
        { id: ids.edge, name: 'edge', type: 'docker', docker_host: 'tcp://10.0.0.9:2376', tls_ca: tls.ca, tls_cert: tls.cert, tls_key: tls.key, is_default: false, created_at: createdAt },
      ]);
      await before('api_keys').insert({
        id: ids.key, name: 'ci', active_name: 'ci', key_prefix: 'rsgo_0123456', key_hash: createHash('sha256').update('old key').digest('hex'),
        permissions: '["Hooks.Redeploy"]', environment_id: ids.edge, expires_at: null, created_at: createdAt, last_used_at: null, is_revoked: false, revoked_at: null,
      });
    } finally {
      await before.destroy();
    }

    // A host of this version on that database migrates at start and serves the old rows.
    const { host, token } = await useAuthHost(t, engine, { database });
    const listed = await host.request('GET', '/api/environments', { token });
    t.is(listed.status, 200, listed.text);
    t.deepEqual(listed.body['environments'], [
      { id: ids.local, name: 'local', type: 'docker', dockerHost: null, isDefault: true, createdAt: '2026-01-05T10:00:00.000Z' },
      { id: ids.edge, name: 'edge', type: 'docker', dockerHost: 'tcp://10.0.0.9:2376', isDefault: false, createdAt: '2026-01-05T10:00:00.000Z' },
    ]);
    t.deepEqual((await host.host.environments.planEnvironment(ids.edge)).settings, { dockerHost: 'tcp://10.0.0.9:2376', tls });
    t.like((await host.request('GET', '/api/api-keys', { token })).body['apiKeys'], [{ id: ids.key, environmentId: ids.edge }]);
    for (const column of ['docker_host', 'tls_ca', 'tls_cert', 'tls_key']) t.false(await host.host.store.schema.hasColumn('environments', column), column);
    await host.close();

    // Undone, the settings go back into the columns they came from.
    const after = connect(database);
    try {
      // The migrations that came after this one are undone first, newest first, then this one.
      const steps = migrations.length - migrations.findIndex((migration) => migration.name === '004-environment-settings');
      for (let step = 0; step < steps; step++) await after.migrate.down({ migrationSource: migrationSourceOf(migrations) });
      const edge = await after('environments').where({ id: ids.edge }).first();
      t.like(edge, { docker_host: 'tcp://10.0.0.9:2376', tls_ca: tls.ca, tls_cert: tls.cert, tls_key: tls.key });
      t.false(await after.schema.hasColumn('environments', 'settings'));
    } finally {
      await after.destroy();
    }
  });
}

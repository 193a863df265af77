import test from 'ava';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knex from 'knex';
import { NO_INTENT } from '../../../core/hooks/intent.js';
import { OperationStore } from '../../../core/operations/operation-store.js';
import { migrations, migrationSourceOf } from '../../../core/store/migrations.js';
import { isUniqueViolation } from '../../../core/store/unique-violation.js';
import type { Store } from '../../../core/store/open-store.js';

const hash = (c: string) => c.repeat(64);

test('on SQLite a new operation writes two index entries fewer, and what the indexes served still works', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'rsgo-migration-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const db = knex({ client: 'better-sqlite3', connection: { filename: join(dir, 'rsgo.sqlite') }, useNullAsDefault: true });
  t.teardown(() => db.destroy());
  const upTo = (name: string) => migrationSourceOf(migrations.slice(0, migrations.findIndex((migration) => migration.name === name) + 1));
  const indexes = async () =>
    ((await db.raw("select name, sql from sqlite_master where type = 'index' and tbl_name = 'operations' and sql is not null order by name")) as { name: string; sql: string }[]).map(
      (index) => `${index.name}${/ where /i.test(index.sql) ? ' (partial)' : ''}`,
    );

  await db.migrate.latest({ migrationSource: upTo('010-history-operation') });
  t.deepEqual(await indexes(), ['operations_created_at_index', 'operations_host_id_status_index', 'operations_idempotency_hash_unique']);
  const operations = new OperationStore(db as unknown as Store);
  const hostId = randomUUID();
  const keyed = randomUUID();
  const insert = (id: string, keyHash: string | null) =>
    operations.insert({ id, kind: 'redeploy', owner: 'apiKey:one', hostId, createdAt: new Date().toISOString(), intent: NO_INTENT, idempotency: keyHash === null ? null : { keyHash, requestHash: hash('b') } });
  await insert(keyed, hash('a'));
  await insert(randomUUID(), null);

  await db.migrate.latest({ migrationSource: upTo('011-operation-indexes') });
  t.deepEqual(await indexes(), ['operations_created_at_index', 'operations_idempotency_hash_unique (partial)']);
  // Calls without a key share NULL, which the partial index leaves out; a key stays unique.
  await insert(randomUUID(), null);
  const duplicate = await insert(randomUUID(), hash('a')).then(() => null, (err: unknown) => err);
  t.true(isUniqueViolation(duplicate), `a second operation with the key: ${String(duplicate)}`);
  t.is((await operations.findByKey(hash('a')))?.record.id, keyed);
  const plan = (await db.raw('explain query plan select * from operations where idempotency_hash = ?', [hash('a')])) as { detail: string }[];
  t.regex(plan.map((step) => step.detail).join('\n'), /USING INDEX operations_idempotency_hash_unique/);
  // The start-up check for unfinished operations finds them without the index on host and status.
  t.is((await operations.unfinished(hostId)).length, 3);

  await db.migrate.down({ migrationSource: upTo('011-operation-indexes') });
  t.deepEqual(await indexes(), ['operations_created_at_index', 'operations_host_id_status_index', 'operations_idempotency_hash_unique']);
});

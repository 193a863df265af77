import test from 'ava';
import type { Store } from '../../../core/store/open-store.js';
import { rowLookup } from '../../../core/store/row-lookup.js';
import { databaseEngines } from '../../support/databases.js';
import { useTestStore } from '../../support/test-store.js';

interface ProbeRow {
  readonly id: string;
  readonly scope: string;
  readonly label: string;
}

async function probeTable(store: Store): Promise<void> {
  await store.schema.createTable('lookup_probe', (table) => {
    table.string('id', 36).primary();
    table.string('scope', 36).notNullable();
    table.string('label', 100).notNullable();
  });
  await store('lookup_probe').insert([
    { id: 'a', scope: 'one', label: 'first' },
    { id: 'b', scope: 'one', label: 'second' },
    { id: 'c', scope: 'two', label: 'first' },
  ]);
}

const byScopeAndLabel = (store: Store) =>
  rowLookup<[string, string], ProbeRow>(store, (db, scope, label) => db('lookup_probe').select('id', 'scope', 'label').where({ scope, label }));

for (const engine of databaseEngines) {
  test(`a lookup binds each argument to its own place and answers one row or none (${engine})`, async (t) => {
    const { store } = await useTestStore(t, engine);
    await probeTable(store);
    const lookup = byScopeAndLabel(store);
    t.deepEqual(await lookup('one', 'second'), { id: 'b', scope: 'one', label: 'second' });
    t.deepEqual(await lookup('two', 'first'), { id: 'c', scope: 'two', label: 'first' });
    // The arguments swapped match nothing: each went to its own column.
    t.is(await lookup('first', 'two'), undefined);
    // A value shaped like SQL is only ever a value.
    t.is(await lookup("one' or '1'='1", 'first'), undefined);
  });

  test(`a lookup binds only its arguments: the one-row limit is part of the SQL (${engine})`, async (t) => {
    const { store } = await useTestStore(t, engine);
    await probeTable(store);
    const lookup = byScopeAndLabel(store);
    const asked: { sql: string; bindings: unknown[] }[] = [];
    const listener = (query: { sql: string; bindings?: unknown[] }) => asked.push({ sql: query.sql, bindings: query.bindings ?? [] });
    store.on('query', listener);
    t.teardown(() => store.off('query', listener));
    t.is((await lookup('two', 'first'))?.id, 'c');
    // A bound LIMIT would make SQLite compile the statement again on every run.
    t.deepEqual(asked.map((query) => query.bindings), [['two', 'first']]);
    t.regex(asked[0]?.sql ?? '', /\blimit 1$/i);
  });

  test(`a lookup sees what was committed after it was made (${engine})`, async (t) => {
    const { store } = await useTestStore(t, engine);
    await probeTable(store);
    const lookup = byScopeAndLabel(store);
    t.is(await lookup('three', 'new'), undefined);
    await store('lookup_probe').insert({ id: 'd', scope: 'three', label: 'new' });
    t.is((await lookup('three', 'new'))?.id, 'd');
    await store('lookup_probe').where({ id: 'd' }).delete();
    t.is(await lookup('three', 'new'), undefined);
  });

  test(`a lookup never reads another operation's uncommitted writes (${engine})`, async (t) => {
    const { store } = await useTestStore(t, engine);
    await probeTable(store);
    const lookup = byScopeAndLabel(store);
    const trx = await store.transaction();
    await trx('lookup_probe').insert({ id: 'e', scope: 'four', label: 'pending' });
    const asked = lookup('four', 'pending');
    await trx.rollback();
    t.is(await asked, undefined);
  });
}

test('on SQLite a lookup asked during a transaction reads what it committed, like any query', async (t) => {
  const { store } = await useTestStore(t, 'sqlite');
  await probeTable(store);
  const lookup = byScopeAndLabel(store);
  const trx = await store.transaction();
  await trx('lookup_probe').insert({ id: 'f', scope: 'five', label: 'committed' });
  // The transaction holds SQLite's one connection: the lookup waits for it, then reads.
  const asked = lookup('five', 'committed');
  await trx.commit();
  t.is((await asked)?.id, 'f');
});

import test from 'ava';
import type { Store } from '../../../core/store/open-store.js';
import { rowsInsert } from '../../../core/store/rows-insert.js';
import { databaseEngines } from '../../support/databases.js';
import { useTestStore } from '../../support/test-store.js';

interface ProbeRow {
  readonly id: string;
  readonly label: string;
  readonly weight: number | null;
}

async function probeTable(store: Store): Promise<void> {
  await store.schema.createTable('insert_probe', (table) => {
    table.string('id', 36).primary();
    table.string('label', 100).notNullable();
    table.integer('weight').nullable();
  });
}

// Listed in another order than knex writes them: each value must still reach its own column.
const insertProbes = (store: Store) => rowsInsert<ProbeRow>(store, 'insert_probe', ['weight', 'label', 'id']);
const stored = (store: Store) => store('insert_probe').select('id', 'label', 'weight').orderBy('id');

for (const engine of databaseEngines) {
  test(`a batch is written with every value in its own column (${engine})`, async (t) => {
    const { store } = await useTestStore(t, engine);
    await probeTable(store);
    const insert = insertProbes(store);
    await insert([
      { id: 'a', label: 'first', weight: 3 },
      { id: 'b', label: "it's; drop table insert_probe", weight: null },
    ]);
    await insert([{ id: 'c', label: 'third', weight: 0 }]);
    t.deepEqual(await stored(store), [
      { id: 'a', label: 'first', weight: 3 },
      { id: 'b', label: "it's; drop table insert_probe", weight: null },
      { id: 'c', label: 'third', weight: 0 },
    ]);
  });

  test(`a batch the database refuses writes none of its rows and leaves the store usable (${engine})`, async (t) => {
    const { store } = await useTestStore(t, engine);
    await probeTable(store);
    const insert = insertProbes(store);
    await insert([{ id: 'a', label: 'kept', weight: 1 }]);
    // The second row repeats a primary key: the whole batch fails, the first row with it.
    // better-sqlite3's errors are not native errors, hence `any`.
    await t.throwsAsync(insert([{ id: 'b', label: 'dropped', weight: 2 }, { id: 'a', label: 'duplicate', weight: 3 }]), { any: true });
    t.deepEqual(await stored(store), [{ id: 'a', label: 'kept', weight: 1 }]);
    await insert([{ id: 'c', label: 'after', weight: null }]);
    t.is((await stored(store)).length, 2);
  });
}

test('on SQLite a batch asked during a transaction is written with knex once the transaction is done', async (t) => {
  const { store } = await useTestStore(t, 'sqlite');
  await probeTable(store);
  const insert = insertProbes(store);
  const trx = await store.transaction();
  await trx('insert_probe').insert({ id: 'a', label: 'in the transaction', weight: 1 });
  const written = insert([{ id: 'b', label: 'beside it', weight: 2 }]);
  await trx.rollback();
  await written;
  // The rollback undid only the transaction's own row.
  t.deepEqual(await stored(store), [{ id: 'b', label: 'beside it', weight: 2 }]);
});

test('on SQLite a batch written to reach the disk with the next write is seen at once, and the store syncs every later write again', async (t) => {
  const { store } = await useTestStore(t, 'sqlite');
  await probeTable(store);
  const synchronous = async () => ((await store.raw('pragma synchronous')) as { synchronous: number }[])[0]?.synchronous;
  t.is(await synchronous(), 2, 'the store syncs every commit (FULL)');
  const insert = rowsInsert<ProbeRow>(store, 'insert_probe', ['id', 'label', 'weight'], { syncWithNextWrite: true });

  await insert([{ id: 'a', label: 'soon on disk', weight: 1 }]);
  t.deepEqual(await stored(store), [{ id: 'a', label: 'soon on disk', weight: 1 }]);
  t.is(await synchronous(), 2);

  await t.throwsAsync(insert([{ id: 'a', label: 'duplicate', weight: 2 }]), { any: true });
  t.is(await synchronous(), 2, 'a refused batch leaves the setting as it was too');
});

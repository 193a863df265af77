import test from 'ava';
import { randomUUID } from 'node:crypto';
import { createLogger } from '../../../core/logger.js';
import { OperationJournal } from '../../../core/operations/operation-journal.js';
import { OperationStore } from '../../../core/operations/operation-store.js';
import { databaseEngines } from '../../support/databases.js';
import { useTestStore } from '../../support/test-store.js';

const log = createLogger({ level: 'silent' });
const claim = () => ({ keyHash: randomUUID().replace(/-/g, '').padEnd(64, '0'), requestHash: 'a'.repeat(64) });

for (const engine of databaseEngines) {
  test(`an operation's events and answer are kept, and read back in order by a second host on the database (${engine})`, async (t) => {
    const { store, reopen } = await useTestStore(t, engine);
    const journal = new OperationJournal(store, log, randomUUID());
    const created = await journal.create('redeploy', 'apiKey:one', null);
    if (!('created' in created)) return t.fail('not created');
    const { id } = created.created;
    const record = await journal.run(id, (report) => {
      for (const step of ['pull', 'stop', 'create', 'start', 'healthy']) report('progress', { service: 'web', step, message: `${step} web`, at: new Date().toISOString() });
      return Promise.resolve({ status: 200, body: { success: true, operationId: id } });
    });
    t.like(record, { status: 'Succeeded', httpStatus: 200, result: { success: true, operationId: id } });

    const other = new OperationJournal(await reopen(), log, randomUUID());
    t.like(await other.get(id), { kind: 'redeploy', status: 'Succeeded', httpStatus: 200 });
    const events = await other.eventsAfter(id, 0, false);
    t.deepEqual(events.map((event) => [event.seq, event.type, event.data['step'] ?? null]), [
      [1, 'progress', 'pull'],
      [2, 'progress', 'stop'],
      [3, 'progress', 'create'],
      [4, 'progress', 'start'],
      [5, 'progress', 'healthy'],
      [6, 'done', null],
    ]);
    t.deepEqual(events.at(-1)?.data, { status: 'Succeeded', httpStatus: 200, result: { success: true, operationId: id } });
    t.deepEqual((await other.eventsAfter(id, 4, false)).map((event) => event.seq), [5, 6]);
  });

  test(`one Idempotency-Key per owner: two hosts claiming it at once create one operation (${engine})`, async (t) => {
    const { store, reopen } = await useTestStore(t, engine);
    const hosts = [new OperationJournal(store, log, randomUUID()), new OperationJournal(await reopen(), log, randomUUID())];
    const key = claim();
    const results = await Promise.all([...hosts, ...hosts].map((journal) => journal.create('upgrade', 'apiKey:one', key)));
    const created = results.flatMap((result) => ('created' in result ? [result.created.id] : []));
    t.is(created.length, 1);
    for (const result of results) if ('earlier' in result) t.is(result.earlier.id, String(created[0]));
    await t.throwsAsync(hosts[0]!.earlier({ ...key, requestHash: 'b'.repeat(64) }), { code: 'IDEMPOTENCY_KEY_REUSED' });
  });

  test(`a restarted host fails the operations it left unfinished, and operations older than 7 days are deleted (${engine})`, async (t) => {
    const { store } = await useTestStore(t, engine);
    const hostId = randomUUID();
    const operations = new OperationStore(store);
    const id = randomUUID();
    const old = randomUUID();
    const elsewhere = randomUUID();
    await operations.insert({ id, kind: 'redeploy', owner: 'apiKey:one', hostId, createdAt: new Date().toISOString(), idempotency: null });
    await operations.markRunning(id, new Date().toISOString());
    await operations.appendEvents(id, [{ seq: 1, type: 'progress', data: { service: 'web', step: 'pull', message: 'pull', at: new Date().toISOString() } }]);
    await operations.insert({ id: old, kind: 'redeploy', owner: 'apiKey:one', hostId, createdAt: new Date(Date.now() - 8 * 24 * 3600_000).toISOString(), idempotency: null });
    await operations.insert({ id: elsewhere, kind: 'redeploy', owner: 'apiKey:one', hostId: randomUUID(), createdAt: new Date().toISOString(), idempotency: null });

    const journal = new OperationJournal(store, log, hostId);
    await journal.open();
    t.teardown(() => journal.close());

    t.like(await journal.get(id), { status: 'Failed', httpStatus: 503, result: { success: false, code: 'UNAVAILABLE' } });
    t.deepEqual((await journal.eventsAfter(id, 0, false)).map((event) => [event.seq, event.type]), [[1, 'progress'], [2, 'done']]);
    t.is(await journal.get(old), null);
    // Another host's operation is that host's to settle.
    t.like(await journal.get(elsewhere), { status: 'Queued' });
  });
}

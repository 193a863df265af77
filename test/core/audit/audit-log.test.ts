import test from 'ava';
import { setTimeout as sleep } from 'node:timers/promises';
import { AuditLog, SOON_WRITE_MS } from '../../../core/audit/audit-log.js';
import { createLogger } from '../../../core/logger.js';
import { databaseEngines } from '../../support/databases.js';
import { useTestStore } from '../../support/test-store.js';

const refused = (target: string) => ({ action: 'hook.call', outcome: 'failure' as const, status: 400, target });

for (const engine of databaseEngines) {
  test(`an event recorded soon is written shortly after, unasked (${engine})`, async (t) => {
    const { store } = await useTestStore(t, engine);
    const audit = new AuditLog(store, createLogger({ level: 'silent' }));
    audit.recordSoon(refused('later'));
    t.is((await store('audit_events').select('target')).length, 0, 'the caller did not wait for the disk');
    let rows: { target: string }[] = [];
    for (let waited = 0; rows.length === 0 && waited < 100 * SOON_WRITE_MS; waited += SOON_WRITE_MS) {
      await sleep(SOON_WRITE_MS);
      rows = await store('audit_events').select('target');
    }
    t.deepEqual(rows, [{ target: 'later' }]);
  });

  test(`events keep their recording order whether or not their callers waited (${engine})`, async (t) => {
    const { store } = await useTestStore(t, engine);
    const audit = new AuditLog(store, createLogger({ level: 'silent' }));
    audit.recordSoon(refused('first'));
    audit.recordSoon(refused('second'));
    // A caller that waits takes the earlier events along in its write.
    await audit.record({ action: 'hook.call', outcome: 'success', status: 200, target: 'third' });
    const written = await store('audit_events').select('target').orderBy('id');
    t.deepEqual(written.map((row: { target: string }) => row.target), ['first', 'second', 'third']);
    audit.recordSoon(refused('fourth'));
    const page = await audit.list(1, 10);
    t.deepEqual(page.events.map((event) => event.target), ['fourth', 'third', 'second', 'first'], 'the trail shows what was recorded so far');
  });

  test(`flush writes events nobody waited for (${engine})`, async (t) => {
    const { store } = await useTestStore(t, engine);
    const audit = new AuditLog(store, createLogger({ level: 'silent' }));
    for (let i = 0; i < 450; i++) audit.recordSoon(refused(`call ${i}`));
    await audit.flush();
    const counted = await store('audit_events').count({ n: '*' }).first();
    t.is(Number(counted?.['n']), 450);
  });
}

import test from 'ava';
import { createLogger } from '../../../core/logger.js';
import { DeliveryStore } from '../../../core/plugin-host/delivery-store.js';
import { DELIVERY_RETENTION_MS, EventDeliveries } from '../../../core/plugin-host/event-deliveries.js';
import type { DeliveryAttempt, DeliveryChannel, NewDelivery } from '../../../core/plugin-host/event-delivery.js';
import { databaseEngines } from '../../support/databases.js';
import { eventually } from '../../support/host-process.js';
import { useTestStore } from '../../support/test-store.js';

const silent = createLogger({ level: 'silent' });
/** The one element of `list`, failing the test's setup when there is none. */
function only<T>(list: readonly T[]): T {
  const [first] = list;
  if (first === undefined || list.length !== 1) throw new Error(`expected one element, got ${list.length}`);
  return first;
}

const delivery = (eventId: string, target = 'receiver'): NewDelivery => ({ eventId, eventType: 'test.event', target, payload: { hello: eventId } });

for (const engine of databaseEngines) {
  test(`${engine}: of two hosts claiming the same due delivery, one gets it; the other's claim waits until that one runs out`, async (t) => {
    const { store, reopen } = await useTestStore(t, engine);
    const first = new DeliveryStore(store);
    const second = new DeliveryStore(await reopen());
    await first.add('notifier', [delivery('msg_1')], 1_000);

    const [a, b] = await Promise.all([first.claimDue('notifier', 2_000, 60_000, 10), second.claimDue('notifier', 2_000, 60_000, 10)]);

    t.is(a.length + b.length, 1);
    const [winner, loser] = a.length === 1 ? [first, second] : [second, first];
    t.deepEqual(await loser.claimDue('notifier', 61_999, 60_000, 10), [], 'claimed until 62 000');
    const retaken = await loser.claimDue('notifier', 62_001, 60_000, 10);
    t.is(retaken.length, 1, 'a claim that ran out (its host died) is taken over');
    // The first claimant's late record no longer counts: the delivery is the other's now.
    await winner.recordAttempt(only([...a, ...b]), { result: { delivered: true, statusCode: 200 }, attemptedAt: 2_000, durationMs: 5, nextAttemptAt: null });
    t.like((await loser.list(1, 10, null)).deliveries[0], { status: 'Pending', attemptCount: 0 });
  });

  test(`${engine}: an event stored twice for a target is kept once, and the list pages and filters`, async (t) => {
    const { store } = await useTestStore(t, engine);
    const deliveries = new DeliveryStore(store);
    await deliveries.add('notifier', [delivery('msg_1'), delivery('msg_1', 'other')], 1_000);
    await deliveries.add('notifier', [delivery('msg_1')], 2_000);
    const claimed = only(await deliveries.claimDue('notifier', 3_000, 1_000, 1));
    await deliveries.recordAttempt(claimed, { result: { delivered: false, error: 'refused' }, attemptedAt: 3_000, durationMs: 2, nextAttemptAt: null });

    const all = await deliveries.list(1, 1, null);
    t.is(all.total, 2);
    t.is(all.deliveries.length, 1);
    const failed = await deliveries.list(1, 10, 'Failed');
    t.is(failed.total, 1);
    t.like(failed.deliveries[0], { eventId: 'msg_1', status: 'Failed', attemptCount: 1, nextAttemptAt: null, event: { hello: 'msg_1' } });
    t.deepEqual(failed.deliveries[0]?.attempts, [{ at: new Date(3_000).toISOString(), statusCode: null, error: 'refused', durationMs: 2 }]);
  });

  test(`${engine}: finished deliveries are deleted with their attempts once past their keeping time; pending ones and recent ones stay`, async (t) => {
    const { store } = await useTestStore(t, engine);
    const deliveries = new DeliveryStore(store);
    await deliveries.add('notifier', ['old_delivered', 'old_failed', 'old_pending'].map((id) => delivery(id)), 1_000);
    const delivered = { delivered: true, statusCode: 204 };
    const refused = { delivered: false, error: 'gone' };
    const ends: Record<string, { readonly result: typeof delivered | typeof refused; readonly nextAttemptAt: number | null }> = {
      old_delivered: { result: delivered, nextAttemptAt: null },
      old_failed: { result: refused, nextAttemptAt: null },
      old_pending: { result: refused, nextAttemptAt: 9_000_000_000_000 },
    };
    const claimed = await deliveries.claimDue('notifier', 2_000, 1_000, 10);
    t.is(claimed.length, 3);
    for (const due of claimed) {
      const end = ends[due.eventId];
      if (end === undefined) throw new Error(`unexpected delivery ${due.eventId}`);
      await deliveries.recordAttempt(due, { attemptedAt: 2_000, durationMs: 1, ...end });
    }
    const later = 2_000 + DELIVERY_RETENTION_MS;
    await deliveries.add('notifier', [delivery('recent')], later);
    await deliveries.recordAttempt(only(await deliveries.claimDue('notifier', later, 1_000, 10)), { result: delivered, attemptedAt: later, durationMs: 1, nextAttemptAt: null });

    const host = new EventDeliveries(store, silent, () => later + 10);
    t.teardown(() => host.close());
    await host.open();

    const kept = await deliveries.list(1, 10, null);
    t.deepEqual(kept.deliveries.map((row) => row.eventId).sort(), ['old_pending', 'recent']);
    const attempts = await store('event_delivery_attempts').count({ n: '*' }).first();
    t.is(Number(attempts?.['n']), 2, 'the deleted deliveries took their attempts along');
  });
}

test('a worker retries after each delay, gives up when they run out, and a send that throws is an attempt with its error', async (t) => {
  const { store } = await useTestStore(t, 'sqlite');
  const deliveries = new EventDeliveries(store, silent, Date.now);
  t.teardown(() => deliveries.close());
  const seen: DeliveryAttempt[] = [];
  const channel: DeliveryChannel = {
    retryDelaysMs: [10, 10],
    attemptTimeoutMs: 5_000,
    async send(attempt) {
      seen.push(attempt);
      if (attempt.attempt === 1) throw new Error('socket hang up');
      return { delivered: false, statusCode: 500 };
    },
  };
  const { queue } = deliveries.register('notifier', channel);

  await queue.enqueue([delivery('msg_1')]);

  const failed = await eventually('the delivery to fail', 20_000, async () => (await deliveries.list(1, 10, 'Failed')).deliveries[0]);
  t.deepEqual(seen.map((attempt) => attempt.attempt), [1, 2, 3]);
  t.deepEqual(failed.attempts.map((attempt) => [attempt.statusCode, attempt.error]), [[null, 'socket hang up'], [500, null], [500, null]]);
});

test('an attempt that does not answer is cut off at its timeout and retried', async (t) => {
  const { store } = await useTestStore(t, 'sqlite');
  const deliveries = new EventDeliveries(store, silent, Date.now);
  t.teardown(() => deliveries.close());
  const { queue } = deliveries.register('notifier', {
    retryDelaysMs: [10],
    attemptTimeoutMs: 50,
    send: (attempt, signal) =>
      attempt.attempt === 1
        ? new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true }))
        : Promise.resolve({ delivered: true, statusCode: 204 }),
  });

  await queue.enqueue([delivery('msg_1')]);

  const delivered = await eventually('the delivery', 20_000, async () => (await deliveries.list(1, 10, 'Delivered')).deliveries[0]);
  t.deepEqual(delivered.attempts.map((attempt) => [attempt.statusCode, attempt.error]), [[null, 'no answer within 50 ms'], [204, null]]);
});

test('an instance set up again takes over its queue: what is enqueued, even through the old queue, is sent by the new channel', async (t) => {
  const { store } = await useTestStore(t, 'sqlite');
  const deliveries = new EventDeliveries(store, silent, Date.now);
  t.teardown(() => deliveries.close());
  const sentBy: string[] = [];
  const channel = (name: string): DeliveryChannel => ({
    retryDelaysMs: [],
    attemptTimeoutMs: 5_000,
    send: async () => {
      sentBy.push(name);
      return { delivered: true, statusCode: 200 };
    },
  });
  const old = deliveries.register('notifier', channel('old'));
  const replaced = deliveries.register('notifier', channel('new'));

  await old.queue.enqueue([delivery('msg_1')]);
  await eventually('the delivery', 20_000, async () => (await deliveries.list(1, 10, 'Delivered')).deliveries[0]);
  await old.release();
  await replaced.queue.enqueue([delivery('msg_2')]);
  await eventually('the second delivery', 20_000, async () => ((await deliveries.list(1, 10, 'Delivered')).total === 2 ? true : undefined));

  t.deepEqual(sentBy, ['new', 'new']);
});

import test from 'ava';
import type { Caller } from '../../../core/auth/caller.js';
import type { WebhookHandlers } from '../../../core/triggers/webhook-handlers.js';
import { createKey, defaultEnvironmentId, useAuthHost } from '../../support/api-keys.js';
import { emptyWebhookHandlers } from '../../support/empty-webhook-handlers.js';
import { readEventStream } from '../../support/event-stream-client.js';

/**
 * Redeploy handlers that report `steps` progress events, then wait until `release` is called:
 * the work of a real runtime, held at a point the test chooses.
 */
function heldHandlers(steps: number) {
  let release: () => void = () => undefined;
  const released = new Promise<void>((done) => (release = done));
  let reached: () => void = () => undefined;
  const reachedGate = new Promise<void>((done) => (reached = done));
  const handlers: WebhookHandlers = {
    ...emptyWebhookHandlers,
    async redeploy(_input, caller: Caller) {
      for (let i = 1; i <= steps; i++) caller.progress?.({ service: 'web', step: 'pull', message: `layer ${i} of ${steps}` });
      reached();
      await released;
      caller.progress?.({ service: 'web', step: 'healthy', message: 'web is healthy' });
      return { message: "Successfully triggered redeploy of 'web'.", deploymentId: '5b0d7f5e-8d2a-4d6b-9f0e-2f1f3c4d5e6f', stackName: 'web', stackVersion: '1.0.0' };
    },
  };
  return { handlers, release, reachedGate };
}

async function heldHost(t: Parameters<typeof useAuthHost>[0], steps: number) {
  const held = heldHandlers(steps);
  const auth = await useAuthHost(t, 'sqlite', { webhookHandlers: held.handlers });
  const key = await createKey(t, auth, { name: 'ci', permissions: ['Hooks.Redeploy'], environmentId: await defaultEnvironmentId(auth) });
  const accepted = await auth.host.request('POST', '/api/hooks/redeploy', { apiKey: key.fullKey, body: { stackName: 'web' }, headers: { prefer: 'respond-async' } });
  t.is(accepted.status, 202, accepted.text);
  await held.reachedGate;
  const events = `${auth.host.url}${String(accepted.body['eventsUrl'])}`;
  return { ...held, auth, key, events };
}

test('a hundred followers of one operation each get every event once, in order, then done', async (t) => {
  const { release, key, events } = await heldHost(t, 20);
  const followers = Array.from({ length: 100 }, () => readEventStream(events, { 'x-api-key': key.fullKey }, (got) => got.length >= 20));
  // Each follower has its backlog before the work goes on.
  await Promise.all(followers);
  const streams = Array.from({ length: 100 }, () => readEventStream(events, { 'x-api-key': key.fullKey, 'last-event-id': '20' }));
  release();
  const tails = await Promise.all(streams);
  for (const tail of tails) {
    t.true(tail.endedByHost);
    t.deepEqual(tail.events.map((event) => [event.id, event.event]), [[21, 'progress'], [22, 'done']]);
    t.like(tail.events[1]?.data, { status: 'Succeeded', httpStatus: 200 });
  }
  for (const head of await Promise.all(followers)) t.deepEqual(head.events.map((event) => event.data['message']), Array.from({ length: 20 }, (_, i) => `layer ${i + 1} of 20`));
});

test('a stopping host ends its event streams without done, and its close waits for the operation', async (t) => {
  const { release, key, events, auth } = await heldHost(t, 1);
  const stream = readEventStream(events, { 'x-api-key': key.fullKey });
  // The stream is open once the backlog arrived.
  await readEventStream(events, { 'x-api-key': key.fullKey }, (got) => got.length >= 1);
  const closing = auth.host.host.close();
  const ended = await stream;
  t.true(ended.endedByHost);
  t.false(ended.events.some((event) => event.event === 'done'));
  release();
  await closing;
});

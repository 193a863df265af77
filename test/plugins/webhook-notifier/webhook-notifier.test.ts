import test, { type ExecutionContext } from 'ava';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestHost, testCatalogSyncOutcome, testPrincipal, type TestHost } from '../../../core/testing.js';
import { freePort } from '../../support/free-port.js';
import { eventually } from '../../support/host-process.js';
import { useTestHost } from '../../support/test-host.js';
import { newWebhookSecret, useWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '../../support/webhook-receiver.js';

interface Target {
  readonly url: string;
  readonly secret: string;
  readonly events?: readonly string[];
  readonly format?: string;
  readonly name?: string;
}

/** Fast retries: a test waits for state, and a retry schedule of hours would never come. */
const FAST_RETRIES = [0.05, 0.05, 0.05];

function notifierConfig(targets: readonly Target[], retryDelaysSeconds: readonly number[] = FAST_RETRIES) {
  return {
    plugins: [{ use: 'api-key-auth' }, { use: 'webhook-notifier', options: { targets, retryDelaysSeconds } }],
  };
}

async function notifierHost(t: ExecutionContext, targets: readonly Target[], retryDelaysSeconds?: readonly number[]) {
  const host = await useTestHost(t, { config: notifierConfig(targets, retryDelaysSeconds) });
  return { host, token: await host.signIn() };
}

/** The first request of an event of `type`, once the receiver has one. */
function firstOf(receiver: WebhookReceiver, type: string, after = 0): Promise<ReceivedWebhook> {
  return eventually(`a ${type} event`, 20_000, async () => receiver.received.slice(after).find((request) => request.json['type'] === type));
}

async function deliveries(host: TestHost, token: string, query = ''): Promise<Array<Record<string, unknown>>> {
  const res = await host.request('GET', `/api/event-deliveries${query}`, { token });
  if (res.status !== 200) throw new Error(`GET /api/event-deliveries answered ${res.status}: ${res.text}`);
  return res.body['deliveries'] as Array<Record<string, unknown>>;
}

async function deliveryOf(host: TestHost, token: string, eventId: string, status: string): Promise<Record<string, unknown>> {
  return eventually(`delivery of ${eventId} ${status}`, 20_000, async () =>
    (await deliveries(host, token)).find((delivery) => delivery['eventId'] === eventId && delivery['status'] === status),
  );
}

test('a catalog sync through the hook posts catalog.synced, signed as Standard Webhooks says, and the delivery is listed', async (t) => {
  const receiver = await useWebhookReceiver(t);
  const { host, token } = await notifierHost(t, [{ url: receiver.url, secret: receiver.secret, name: 'ops-hook' }]);
  const apiKey = await host.createApiKey(['Hooks.SyncSources']);
  const before = receiver.received.length;

  const res = await host.request('POST', '/api/hooks/sync-sources', { apiKey, body: {} });
  t.is(res.status, 200, res.text);

  const request = await eventually('the hook call\'s event', 20_000, async () =>
    receiver.received.slice(before).find((received) => (received.json['data'] as Record<string, unknown>)['requestId'] === res.headers.get('x-request-id')),
  );
  t.true(request.verified, 'the signature verifies with the standardwebhooks package');
  t.regex(request.id, /^msg_[0-9a-f]{32}$/);
  t.deepEqual(Object.keys(request.json).sort(), ['data', 'timestamp', 'type']);
  t.is(request.json['type'], 'catalog.synced');
  const data = request.json['data'] as Record<string, unknown>;
  t.like(data, { sourcesSynced: 0, stacksLoaded: 0, errors: [], operationId: res.headers.get('x-request-id') });
  t.is((data['actor'] as Record<string, unknown>)['kind'], 'apiKey');
  t.regex(String((data['actor'] as Record<string, unknown>)['name']), /^test-key-/);
  t.false(request.body.includes(apiKey), 'the key itself is never sent');

  const listed = await deliveryOf(host, token, request.id, 'Delivered');
  t.like(listed, { plugin: 'webhook-notifier', type: 'catalog.synced', target: 'ops-hook', attemptCount: 1, nextAttemptAt: null });
  const attempts = listed['attempts'] as Array<Record<string, unknown>>;
  t.is(attempts.length, 1);
  t.like(attempts[0], { statusCode: 200, error: null });
  t.true(typeof attempts[0]?.['durationMs'] === 'number');
});

test('a failing receiver gets retries with the same webhook-id until it answers 2xx; each attempt is recorded', async (t) => {
  const receiver = await useWebhookReceiver(t);
  receiver.answerWith((request) => (receiver.ofEvent(request.id).length <= 2 ? 500 : 204));
  const { host, token } = await notifierHost(t, [{ url: receiver.url, secret: receiver.secret }]);

  const first = await firstOf(receiver, 'catalog.synced');
  const delivered = await deliveryOf(host, token, first.id, 'Delivered');

  const requests = receiver.ofEvent(first.id);
  t.deepEqual(requests.map((request) => request.status), [500, 500, 204]);
  t.true(requests.every((request) => request.verified && request.body === first.body));
  const attempts = delivered['attempts'] as Array<Record<string, unknown>>;
  t.deepEqual(attempts.map((attempt) => attempt['statusCode']), [500, 500, 204]);
  t.is(attempts[0]?.['error'], 'the receiver answered 500');
  t.is(delivered['attemptCount'], 3);
});

test('when the retries run out the delivery is Failed, and the list filters by status', async (t) => {
  const receiver = await useWebhookReceiver(t);
  receiver.answerWith(() => 503);
  const { host, token } = await notifierHost(t, [{ url: receiver.url, secret: receiver.secret }], [0.05]);

  const first = await firstOf(receiver, 'catalog.synced');
  const failed = await deliveryOf(host, token, first.id, 'Failed');

  t.is(receiver.ofEvent(first.id).length, 2, 'the first attempt and one retry');
  t.like(failed, { attemptCount: 2, nextAttemptAt: null });
  t.true((await deliveries(host, token, '?status=failed')).every((delivery) => delivery['status'] === 'Failed'));
  t.deepEqual(await deliveries(host, token, '?status=delivered'), []);
  const bad = await host.request('GET', '/api/event-deliveries?status=lost', { token });
  t.is(bad.status, 400);
  t.is(bad.body['message'], "Query parameter 'status' must be one of Pending, Delivered, Failed.");
});

test('a receiver that does not answer never delays the hook\'s answer', async (t) => {
  const receiver = await useWebhookReceiver(t);
  const { host, token } = await notifierHost(t, [{ url: receiver.url, secret: receiver.secret }]);
  await firstOf(receiver, 'catalog.synced');
  receiver.answerWith(() => 'hold');
  const apiKey = await host.createApiKey(['Hooks.SyncSources']);
  const before = receiver.received.length;

  const res = await host.request('POST', '/api/hooks/sync-sources', { apiKey, body: {} });

  t.is(res.status, 200, res.text);
  // The hook answered; the receiver got its event afterwards and still holds it unanswered.
  const held = await firstOf(receiver, 'catalog.synced', before);
  t.is(held.status, null);
  const pending = (await deliveries(host, token)).find((delivery) => delivery['eventId'] === held.id);
  t.like(pending, { status: 'Pending', attemptCount: 0 });
  receiver.release(200);
  await deliveryOf(host, token, held.id, 'Delivered');
});

test('a dead receiver\'s deliveries record the connection error and are retried', async (t) => {
  // Nothing listens there: the connection is refused.
  const { host, token } = await notifierHost(t, [{ url: `http://127.0.0.1:${await freePort()}/hook`, secret: newWebhookSecret() }], [0.05]);

  const failed = await eventually('a failed delivery', 20_000, async () => (await deliveries(host, token, '?status=Failed'))[0]);

  const attempts = failed['attempts'] as Array<Record<string, unknown>>;
  t.is(attempts.length, 2);
  t.true(attempts.every((attempt) => attempt['statusCode'] === null && /ECONNREFUSED/.test(String(attempt['error']))), JSON.stringify(attempts));
});

test('Slack and Teams targets get messages of their shape, signed like the others', async (t) => {
  const slack = await useWebhookReceiver(t, '/services/T000/B000/secretpath');
  const teams = await useWebhookReceiver(t, '/webhookb2/secretpath');
  const { host, token } = await notifierHost(t, [
    { url: slack.url, secret: slack.secret, format: 'slack' },
    { url: teams.url, secret: teams.secret, format: 'teams' },
  ]);

  const slackRequest = await eventually('a Slack message', 20_000, async () => slack.received[0]);
  const teamsRequest = await eventually('a Teams message', 20_000, async () => teams.received[0]);

  t.true(slackRequest.verified);
  t.true(teamsRequest.verified);
  t.is(slackRequest.id, teamsRequest.id, 'one event, one webhook-id');
  t.regex(String(slackRequest.json['text']), /^Catalog synced: 0 source\(s\), 0 stack\(s\) \(catalog\.synced\)$/);
  const blocks = slackRequest.json['blocks'] as Array<Record<string, unknown>>;
  t.true(blocks.length >= 2 && blocks.every((block) => typeof block['type'] === 'string'));
  // What a Teams Workflows webhook accepts: a message with one Adaptive Card attached.
  t.is(teamsRequest.json['type'], 'message');
  const [card] = teamsRequest.json['attachments'] as Array<{ contentType: string; content: { type: string; version: string; body: Array<Record<string, unknown>> } }>;
  t.is(card?.contentType, 'application/vnd.microsoft.card.adaptive');
  t.like(card?.content, { type: 'AdaptiveCard', version: '1.4' });
  t.like(card?.content.body[0], { type: 'TextBlock', text: 'Catalog synced: 0 source(s), 0 stack(s)', color: 'Good' });
  t.deepEqual(card?.content.body[1], { type: 'FactSet', facts: [{ title: 'By', value: 'host' }] });
  t.like(card?.content.body[2], { type: 'TextBlock', isSubtle: true });
  t.regex(String(card?.content.body[2]?.['text']), new RegExp(`^catalog\\.synced · \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z · ${teamsRequest.id}$`));

  // The webhook URLs' paths are their credentials: shown nowhere, like the signing secrets.
  const listed = await deliveryOf(host, token, slackRequest.id, 'Delivered');
  t.regex(String(listed['target']), /^127\.0\.0\.1:\d+#[0-9a-f]{8}$/);
  const shown = (await host.request('GET', '/api/event-deliveries', { token })).text + host.logs.join('\n');
  for (const secret of ['secretpath', slack.secret, teams.secret, slack.secret.slice(6), teams.secret.slice(6)]) t.false(shown.includes(secret), secret);
});

test('a target gets only the event types it names', async (t) => {
  const all = await useWebhookReceiver(t);
  const failuresOnly = await useWebhookReceiver(t);
  const { host, token } = await notifierHost(t, [
    { url: all.url, secret: all.secret, name: 'all' },
    { url: failuresOnly.url, secret: failuresOnly.secret, events: ['catalog.sync_failed', 'deployment.failed'], name: 'failures' },
  ]);

  const synced = await firstOf(all, 'catalog.synced');
  await deliveryOf(host, token, synced.id, 'Delivered');

  t.deepEqual(failuresOnly.received, []);
  t.deepEqual((await deliveries(host, token)).map((delivery) => delivery['target']), ['all']);
});

test('POST /api/event-deliveries/test sends a test event to every target, whatever events it takes', async (t) => {
  const all = await useWebhookReceiver(t);
  const failuresOnly = await useWebhookReceiver(t);
  const { host, token } = await notifierHost(t, [
    { url: all.url, secret: all.secret, name: 'all' },
    { url: failuresOnly.url, secret: failuresOnly.secret, events: ['deployment.failed'], name: 'failures' },
  ]);

  const res = await host.request('POST', '/api/event-deliveries/test', { token });

  t.is(res.status, 202, res.text);
  t.like(res.body, { success: true, message: 'Test event queued for 2 target(s).' });
  const queued = res.body['deliveries'] as Array<Record<string, unknown>>;
  t.deepEqual(queued.map((delivery) => String(delivery['target'])).sort(), ['all', 'failures']);
  for (const receiver of [all, failuresOnly]) {
    const request = await firstOf(receiver, 'webhook.test');
    t.true(request.verified);
    t.is(request.id, String(queued[0]?.['eventId']));
  }
});

test('the event deliveries API is for signed-in administrators, and the test action needs a target', async (t) => {
  const { host, token } = await notifierHost(t, []);
  const apiKey = await host.createApiKey();

  t.is((await host.request('GET', '/api/event-deliveries')).status, 401);
  t.is((await host.request('GET', '/api/event-deliveries', { apiKey })).status, 403);
  t.is((await host.request('POST', '/api/event-deliveries/test', { apiKey })).status, 403);
  t.is((await host.request('GET', '/api/event-deliveries?pageSize=0', { token })).status, 400);
  const page = await host.request('GET', '/api/event-deliveries?page=1&pageSize=10', { token });
  t.deepEqual(page.body, { deliveries: [], page: 1, pageSize: 10, total: 0 });
  const test = await host.request('POST', '/api/event-deliveries/test', { token });
  t.is(test.status, 409);
  t.like(test.body, {
    success: false,
    code: 'NO_EVENT_TARGETS',
    message: 'No event targets are configured: enable the webhook-notifier plugin with at least one target.',
  });
});

test('options that cannot work stop the start with the reason', async (t) => {
  const bad = startTestHost({
    config: { plugins: [{ use: 'webhook-notifier', options: { targets: [{ url: 'ftp://example.com/x', secret: 'not-a-secret', events: ['deployment.exploded'] }] } }] },
  });
  const error = await t.throwsAsync(bad);
  t.regex(error?.message ?? '', /plugins\[0\]\.options\.targets\[0\]\.url: must be an http:\/\/ or https:\/\/ URL/);
  t.regex(error?.message ?? '', /secret: must be a Standard Webhooks secret/);
  t.regex(error?.message ?? '', /targets\[0\]\.events\[0\]: Invalid option/);
});

test('a delivery pending when the host stops is retried by the next host and delivered once per event id', async (t) => {
  const receiver = await useWebhookReceiver(t);
  let healthy = false;
  receiver.answerWith(() => (healthy ? 200 : 500));
  const folder = await mkdtemp(join(tmpdir(), 'rsgo-notifier-restart-'));
  t.teardown(() => rm(folder, { recursive: true, force: true }));
  const env = { RSGO_ADMIN_USER: 'admin', RSGO_ADMIN_PASSWORD: randomBytes(18).toString('base64url') };
  // The second retry is seconds away: the first host stops before it, the next host makes it.
  const config = { ...notifierConfig([{ url: receiver.url, secret: receiver.secret }], [0.05, 3, 3]), dataDir: join(folder, 'data') };

  const first = await startTestHost({ config, env, configDir: folder });
  const event = await firstOf(receiver, 'catalog.synced');
  await eventually('a retry', 20_000, async () => (receiver.ofEvent(event.id).length >= 2 ? true : undefined));
  const pending = await deliveryOf(first, await first.signIn(), event.id, 'Pending');
  t.true(Number(pending['attemptCount']) >= 2);
  await first.host.close();
  healthy = true;

  const second = await startTestHost({ config, env, configDir: folder });
  t.teardown(() => second.close());

  const delivered = await deliveryOf(second, await second.signIn(), event.id, 'Delivered');
  const requests = receiver.ofEvent(event.id);
  t.deepEqual(requests.map((request) => request.status), [...Array<number>(requests.length - 1).fill(500), 200]);
  t.true(requests.every((request) => request.verified && request.body === event.body));
  t.is(delivered['attemptCount'], requests.length);
  const answeredOk = new Map<string, number>();
  for (const request of receiver.received) if (request.status === 200) answeredOk.set(request.id, (answeredOk.get(request.id) ?? 0) + 1);
  t.true([...answeredOk.values()].every((count) => count === 1), 'every event id was delivered once');
});

test('a sync in which a source failed posts catalog.sync_failed with each failure, to the targets that ask for it', async (t) => {
  const receiver = await useWebhookReceiver(t);
  const { host } = await notifierHost(t, [{ url: receiver.url, secret: receiver.secret, events: ['catalog.sync_failed'] }]);
  const outcome = testCatalogSyncOutcome({ errors: [{ source: 'platform', message: 'remote unreachable' }], principal: testPrincipal({ name: 'nightly' }), requestId: 'req-1' });

  await host.hooks.afterCatalogSync.promise(outcome);

  const failed = await firstOf(receiver, 'catalog.sync_failed');
  t.true(failed.verified);
  t.like(failed.json['data'], {
    sourcesSynced: 0,
    errors: [{ source: 'platform', message: 'remote unreachable' }],
    actor: { kind: 'apiKey', name: 'nightly' },
    operationId: 'req-1',
  });
  t.false(receiver.received.some((request) => request.json['type'] === 'catalog.synced'), 'the sync at start went well: not asked for');
});

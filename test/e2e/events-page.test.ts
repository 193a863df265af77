import type { ExecutionContext } from 'ava';
import type { TestHost } from '../../core/testing.js';
import { eventually } from '../support/host-process.js';
import { useWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';
import { browserTest, openUi, type BrowserTestContext } from './browser-test.js';
import { cell, docScreenshot, openFromMenu, signIn } from './ui-steps.js';

const test = browserTest();

/**
 * A host whose notifier posts to a receiver that refuses catalog events (503) and takes test
 * events; a refused delivery waits an hour for its retry, so it stays Pending on the page.
 */
async function eventsUi(t: ExecutionContext<BrowserTestContext>, viewport?: { width: number; height: number }) {
  const receiver = await useWebhookReceiver(t);
  receiver.answerWith((request) => (request.json['type'] === 'webhook.test' ? 200 : 503));
  const { host, page } = await openUi(t, {
    plugins: [
      { use: 'api-key-auth' },
      { use: 'webhook-notifier', options: { targets: [{ url: receiver.url, secret: receiver.secret, name: 'ops-receiver' }], retryDelaysSeconds: [3_600] } },
    ],
    ...(viewport ? { viewport } : {}),
  });
  const token = await host.signIn();
  // The sync at start has been attempted once and refused.
  await deliveryWith(host, token, (delivery) => delivery['type'] === 'catalog.synced' && delivery['attemptCount'] === 1);
  await signIn(page, host);
  return { host, page, token, receiver };
}

async function deliveryWith(host: TestHost, token: string, wanted: (delivery: Record<string, unknown>) => boolean) {
  return eventually('the delivery', 20_000, async () => {
    const res = await host.request('GET', '/api/event-deliveries', { token });
    return (res.body['deliveries'] as Array<Record<string, unknown>>).find(wanted);
  });
}

async function sendTestEvent(t: ExecutionContext<BrowserTestContext>, ui: Awaited<ReturnType<typeof eventsUi>>) {
  const { host, page, token, receiver } = ui;
  await page.getByRole('button', { name: 'Send test event' }).click();
  await page.getByRole('status').filter({ hasText: 'Test event queued for 1 target(s).' }).waitFor();
  await deliveryWith(host, token, (delivery) => delivery['type'] === 'webhook.test' && delivery['status'] === 'Delivered');
  await page.getByRole('button', { name: 'Refresh' }).click();
  const row = page.getByRole('row', { name: /webhook\.test/ });
  await row.getByText('Delivered').waitFor();
  t.true(firstTest(receiver)?.verified, 'the receiver verified the test event\'s signature');
  return row;
}

const firstTest = (receiver: WebhookReceiver) => receiver.received.find((request) => request.json['type'] === 'webhook.test');

test.serial('the Events page lists deliveries with their attempts, filters by status and sends a test event', async (t) => {
  const ui = await eventsUi(t);
  const { page } = ui;
  await openFromMenu(page, 'Events');
  await page.getByRole('heading', { name: 'Events', level: 1 }).waitFor();

  const synced = page.getByRole('row', { name: /catalog\.synced/ });
  await synced.waitFor();
  t.is(await cell(synced, 'Target').innerText(), 'ops-receiver');
  t.is(await cell(synced, 'Status').innerText(), 'Pending');
  t.regex(await cell(synced, 'Attempts').innerText(), /· 503 · the receiver answered 503 · \d+ ms/);
  t.not(await cell(synced, 'Next attempt').innerText(), '—');

  const tested = await sendTestEvent(t, ui);
  t.regex(await cell(tested, 'Attempts').innerText(), /· 200 · \d+ ms/);
  t.is(await cell(tested, 'Next attempt').innerText(), '—');

  await page.getByLabel('Status').selectOption('Delivered');
  await synced.waitFor({ state: 'detached' });
  t.is(await page.locator('tbody tr').count(), 1);
  await page.getByLabel('Status').selectOption('Failed');
  await page.getByText('No event deliveries to show.').waitFor();
  await page.getByLabel('Status').selectOption('');
  await synced.waitFor();
  await docScreenshot(page, 'events');
});

test.serial('on a phone-width screen the deliveries are cards, each value labelled, and nothing is wider than the screen', async (t) => {
  const ui = await eventsUi(t, { width: 360, height: 740 });
  const { page } = ui;
  await openFromMenu(page, 'Events');
  const row = await sendTestEvent(t, ui);

  t.true(await cell(row, 'Status').isVisible());
  t.is(await cell(row, 'Target').innerText(), 'ops-receiver');
  t.true(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'nothing is wider than the screen');
  await docScreenshot(page, 'events-phone');
});

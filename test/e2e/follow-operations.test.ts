import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import type { Page } from 'playwright-core';
import { idleCommand } from '../support/deploy-host.js';
import { docker } from '../support/docker-cli.js';
import { testImages } from '../support/test-images.js';
import { browserTest, openDeployUi, type BrowserTestContext } from './browser-test.js';
import { cell, signIn } from './ui-steps.js';

const test = browserTest();
const images = testImages('web-ui-follow');

const stateOf = (container: string) => docker('container', 'inspect', '--format', '{{.State.Status}}', container);

/**
 * A host whose catalog has product Duo (stacks `Front` with service `web`, `Back` with service
 * `db`), at `viewport`. The runtime waits 6 s after starting containers before it judges them,
 * so that an operation runs long enough for a page to find it running.
 */
async function duoHost(t: ExecutionContext<BrowserTestContext>, viewport?: { width: number; height: number }) {
  const image = await images.push('app');
  const catalog = await mkdtemp(join(tmpdir(), 'rsgo-ui-catalog-'));
  t.teardown(() => rm(catalog, { recursive: true, force: true }));
  const service = (name: string) => `    services:\n      ${name}:\n        image: ${image.ref}\n        command: ${idleCommand()}\n`;
  await writeFile(
    join(catalog, 'duo.yaml'),
    `metadata: { name: Duo, productId: com.example.duo, productVersion: "1.0.0" }\nstacks:\n  front:\n    metadata: { name: Front }\n${service('web')}  back:\n    metadata: { name: Back }\n${service('db')}`,
  );
  const { host, page, environmentId } = await openDeployUi(t, catalog, { stopTimeoutSeconds: 2, settleSeconds: 6 }, viewport);
  const token = await host.signIn();
  const name = `duo${randomBytes(3).toString('hex')}`;
  const deployed = await host.request('POST', '/api/product-deployments', { token, body: { environmentId, productId: 'com.example.duo', deploymentName: name } });
  t.is(deployed.status, 201, deployed.text);
  await signIn(page, host);
  return { host, page, environmentId, name, front: `${name}-front`, back: `${name}-back` };
}

/** Opens a deployment from the list. */
async function openDeployment(page: Page, stackName: string) {
  await page.getByRole('row', { name: new RegExp(stackName) }).getByRole('link', { name: stackName }).click();
  await page.getByRole('heading', { name: stackName, level: 1 }).waitFor();
}

/** The steps one service showed in the operation panel, as text. */
const stepsOf = (page: Page, service: string) => page.getByRole('list', { name: 'Operation steps' }).locator('.operation-service').filter({ has: page.getByRole('heading', { name: service, exact: true }) });

test.serial("the deployment page follows a pipeline's redeploy as it runs and its own stop and start", async (t) => {
  const { host, page, environmentId, front } = await duoHost(t);
  await openDeployment(page, front);
  const oldId = await docker('container', 'inspect', '--format', '{{.Id}}', `${front}_web`);

  // A pipeline redeploys while the page is open: the page finds the operation and shows its steps.
  const key = await host.createApiKey(['Hooks.Redeploy']);
  const accepted = await host.request('POST', '/api/hooks/redeploy', { apiKey: key, headers: { prefer: 'respond-async' }, body: { stackName: front, environmentId } });
  t.is(accepted.status, 202, accepted.text);
  await stepsOf(page, 'web').getByText('pull', { exact: true }).first().waitFor({ timeout: 15_000 });
  const panel = page.getByRole('region', { name: 'Operation' });
  await panel.getByRole('status').getByText(/Successfully triggered redeploy/).waitFor({ timeout: 30_000 });
  const newId = await docker('container', 'inspect', '--format', '{{.Id}}', `${front}_web`);
  t.not(newId, oldId, 'the redeploy replaced the container');
  // `done` made the page read the record again: it shows the new container.
  const container = page.getByRole('table', { name: 'Containers' }).getByRole('row', { name: /web/ });
  await cell(container, 'Container id').getByText(newId.slice(0, 12)).waitFor();
  await cell(page.getByRole('table', { name: 'History' }).locator('tbody tr').first(), 'Operation').getByText('redeploy').waitFor();

  // Its own stop: confirmed, then each step as it happens, then the record read again.
  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  await page.getByRole('dialog', { name: `Stop ${front}?` }).getByRole('button', { name: 'Stop' }).click();
  await stepsOf(page, 'web').getByText(`Stopping web`).waitFor();
  await stepsOf(page, 'web').getByText('web is exited').waitFor();
  await panel.getByRole('status').getByText('The operation succeeded.').waitFor();
  t.is(await stateOf(`${front}_web`), 'exited');
  await page.getByRole('button', { name: 'Start', exact: true }).waitFor();
  t.is(await page.locator('.facts dd').first().innerText(), 'Stopped');

  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await page.getByRole('dialog', { name: `Start ${front}?` }).getByRole('button', { name: 'Start', exact: true }).click();
  await stepsOf(page, 'web').getByText('Starting web').waitFor();
  await stepsOf(page, 'web').getByText('web is running').waitFor({ timeout: 20_000 });
  t.is(await stateOf(`${front}_web`), 'running');
  await cell(container, 'Status').getByText('running').waitFor();
  // The status is the record's, read again once the operation is done (after its settle time).
  await panel.getByRole('status').getByText('The operation succeeded.').waitFor({ timeout: 20_000 });
  await page.locator('.facts dd').first().getByText('Running', { exact: true }).waitFor();
});

test.serial('the product deployment page shows every stack live and stops and starts them all, at phone width', async (t) => {
  const { page, name, front, back } = await duoHost(t, { width: 390, height: 844 });
  await openDeployment(page, front);
  await page.getByRole('link', { name: 'Product deployment' }).click();
  await page.getByRole('heading', { name, level: 1 }).waitFor();
  const web = page.getByRole('table', { name: 'Containers of Front' }).getByRole('row', { name: /web/ });
  const db = page.getByRole('table', { name: 'Containers of Back' }).getByRole('row', { name: /db/ });
  t.is(await cell(web, 'Status').innerText(), 'running');
  t.is(await cell(db, 'Status').innerText(), 'running');
  // Nothing wider than the screen: no sideways scrolling on a phone.
  t.true(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));

  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: `Stop ${name}?` });
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  t.is(await stateOf(`${front}_web`), 'running', 'cancel changes nothing');

  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  await dialog.getByRole('button', { name: 'Stop' }).click();
  // Stopped in reverse manifest order, each service's steps in view.
  await stepsOf(page, 'db').getByText('db is exited').waitFor();
  await stepsOf(page, 'web').getByText('web is exited').waitFor();
  t.deepEqual(await page.getByRole('list', { name: 'Operation steps' }).getByRole('heading').allInnerTexts(), ['db', 'web']);
  await page.getByRole('region', { name: 'Operation' }).getByRole('status').getByText('The operation succeeded.').waitFor();
  t.is(await stateOf(`${front}_web`), 'exited');
  t.is(await stateOf(`${back}_db`), 'exited');
  await cell(web, 'Status').getByText('exited').waitFor();
  await cell(db, 'Status').getByText('exited').waitFor();
  await page.getByRole('button', { name: 'Start', exact: true }).waitFor();
  t.is(await page.locator('.facts dd').first().innerText(), 'Stopped');
  t.true(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));

  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await page.getByRole('dialog', { name: `Start ${name}?` }).getByRole('button', { name: 'Start', exact: true }).click();
  await stepsOf(page, 'web').getByText('web is running').waitFor({ timeout: 30_000 });
  await stepsOf(page, 'db').getByText('db is running').waitFor({ timeout: 30_000 });
  t.is(await stateOf(`${front}_web`), 'running');
  t.is(await stateOf(`${back}_db`), 'running');
  await cell(web, 'Status').getByText('running').waitFor();
  await page.getByRole('region', { name: 'Operation' }).getByRole('status').getByText('The operation succeeded.').waitFor({ timeout: 20_000 });
  await page.locator('.facts dd').first().getByText('Running', { exact: true }).waitFor();
});

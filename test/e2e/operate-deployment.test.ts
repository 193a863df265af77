import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import { docker } from '../support/docker-cli.js';
import { testImages } from '../support/test-images.js';
import { browserTest, openDeployUi, type BrowserTestContext } from './browser-test.js';
import { cell, signIn } from './ui-steps.js';

const test = browserTest();
const images = testImages('web-ui-operate');

/**
 * A host deploying a stack whose `app` prints its password, then a numbered line every 300 ms
 * and stops on SIGTERM; the UI opened on that deployment's page, at `viewport`.
 */
async function openDeployment(t: ExecutionContext<BrowserTestContext>, viewport?: { width: number; height: number }) {
  const image = await images.push('app');
  const catalog = await mkdtemp(join(tmpdir(), 'rsgo-ui-catalog-'));
  t.teardown(() => rm(catalog, { recursive: true, force: true }));
  const script = `echo "secret is $APP_PASSWORD"; i=0; trap 'exit 0' TERM; while true; do i=$((i+1)); echo "tick $i"; sleep 0.3; done`;
  await writeFile(
    join(catalog, 'ticker.yaml'),
    `metadata:\n  name: Ticker\n  productId: com.example.ticker\n  productVersion: "1.0.0"\nvariables:\n  APP_PASSWORD: { type: Password, required: true }\nservices:\n  app:\n    image: ${image.ref}\n    environment: { APP_PASSWORD: "\${APP_PASSWORD}" }\n    command: ${JSON.stringify(['sh', '-c', script])}\n`,
  );
  const { host, page, environmentId } = await openDeployUi(t, catalog, { stopTimeoutSeconds: 2 }, viewport);
  const token = await host.signIn();
  const stackName = `ui-ticker-${randomBytes(3).toString('hex')}`;
  const password = `pw-${randomBytes(5).toString('hex')}`;
  const deployed = await host.request('POST', '/api/deployments', { token, body: { environmentId, stackName, productId: 'com.example.ticker', variables: { APP_PASSWORD: password } } });
  t.is(deployed.status, 201, deployed.text);

  await signIn(page, host);
  await page.getByRole('row', { name: new RegExp(stackName) }).getByRole('link', { name: stackName }).click();
  await page.getByRole('heading', { name: stackName, level: 1 }).waitFor();
  return { page, stackName, password };
}

test.serial('the deployment page shows live state, follows the logs redacted, and stops and starts with confirmation', async (t) => {
  const { page, stackName, password } = await openDeployment(t);
  const container = page.getByRole('table', { name: 'Containers' }).getByRole('row', { name: /app/ });
  t.is(await cell(container, 'Status').innerText(), 'running');
  t.is(await cell(container, 'Restarts').innerText(), '0');
  t.not(await cell(container, 'Started').innerText(), '—');

  const log = page.getByRole('log', { name: 'Log lines' });
  await log.getByText('secret is ********').waitFor();
  await page.getByRole('button', { name: 'Follow' }).click();
  // Lines written after the stream opened arrive without a reload.
  const before = Number((await log.locator('li').last().innerText()).match(/tick (\d+)/)?.[1] ?? 0);
  await log.getByText(new RegExp(`tick ${before + 3}$`)).waitFor();
  t.false((await log.innerText()).includes(password));
  await page.getByRole('button', { name: 'Stop following' }).click();

  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: `Stop ${stackName}?` });
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  t.is(await docker('container', 'inspect', '--format', '{{.State.Status}}', `${stackName}_app`), 'running', 'cancel changes nothing');

  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  await dialog.getByRole('button', { name: 'Stop' }).click();
  await page.getByRole('button', { name: 'Start', exact: true }).waitFor();
  t.is(await docker('container', 'inspect', '--format', '{{.State.Status}}', `${stackName}_app`), 'exited');
  // The page reads the state again on its own.
  await cell(container, 'Status').getByText('exited').waitFor();
  t.is(await page.locator('.facts dd').first().innerText(), 'Stopped');

  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await page.getByRole('dialog', { name: `Start ${stackName}?` }).getByRole('button', { name: 'Start', exact: true }).click();
  await page.getByRole('button', { name: 'Restart', exact: true }).waitFor();
  t.is(await docker('container', 'inspect', '--format', '{{.State.Status}}', `${stackName}_app`), 'running');
  const history = page.getByRole('table', { name: 'History' }).locator('tbody tr');
  await history.filter({ hasText: 'start' }).first().waitFor();
  t.deepEqual(
    await history.locator('[data-label="Operation"]').allInnerTexts(),
    ['start', 'stop', 'deploy'],
  );
});

test.serial('at phone width the containers, the actions and the logs stay usable', async (t) => {
  const { page, stackName } = await openDeployment(t, { width: 390, height: 844 });
  const container = page.getByRole('table', { name: 'Containers' }).getByRole('row', { name: /app/ });
  // Rows become cards at this width, each cell labelled with its column.
  t.is(await cell(container, 'Status').innerText(), 'running');
  t.is(await cell(container, 'Restarts').evaluate((element) => getComputedStyle(element, '::before').content), '"Restarts"');
  await page.getByRole('log', { name: 'Log lines' }).getByText('secret is ********').waitFor();
  // Nothing wider than the screen: no sideways scrolling on a phone.
  t.true(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));

  await page.getByRole('button', { name: 'Restart', exact: true }).click();
  await page.getByRole('dialog', { name: `Restart ${stackName}?` }).getByRole('button', { name: 'Restart', exact: true }).click();
  await page.getByRole('table', { name: 'History' }).locator('tbody tr').filter({ hasText: 'restart' }).first().waitFor();
  t.is(await docker('container', 'inspect', '--format', '{{.State.Status}}', `${stackName}_app`), 'running');
});

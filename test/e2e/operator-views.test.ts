import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { idleCommand, removeEnvironmentResources } from '../support/deploy-host.js';
import { testImages } from '../support/test-images.js';
import { browserTest, openUi } from './browser-test.js';
import { cell, docScreenshot, openFromMenu, signIn } from './ui-steps.js';

const test = browserTest();

test.serial('the catalog Sync button shows the result and each failing source', async (t) => {
  const sources = await mkdtemp(join(tmpdir(), 'rsgo-ui-catalog-'));
  t.teardown(() => rm(sources, { recursive: true, force: true }));
  await writeFile(
    join(sources, 'shop.yaml'),
    'metadata:\n  name: Demo Shop\n  productId: com.example.shop\n  productVersion: "1.2.0"\nservices:\n  web:\n    image: example/shop:1.2.0\n',
  );
  const { host, page } = await openUi(t, {
    plugins: [
      { use: 'api-key-auth' },
      { use: 'local-directory-source', name: 'demo', options: { path: sources } },
      { use: 'local-directory-source', name: 'gone', options: { path: join(sources, 'missing') } },
    ],
  });
  await signIn(page, host);
  await openFromMenu(page, 'Catalog');
  await page.getByRole('button', { name: 'Sync' }).click();

  const result = page.getByRole('status').filter({ hasText: 'Sync completed with errors' });
  await result.waitFor();
  t.regex(await result.innerText(), /Source errors[\s\S]*gone/);
  await page.getByRole('heading', { name: /Demo Shop/ }).waitFor();
  t.true(await page.getByText('com.example.shop').isVisible());
  const stack = page.getByRole('table', { name: 'Stacks' }).getByRole('row', { name: /Demo Shop/ });
  t.is(await cell(stack, 'Services').innerText(), 'web');
});

const images = testImages('web-ui-operator-views');

test.serial('the deployment views show status, version, containers and who triggered each operation', async (t) => {
  const image = await images.push('app');
  const catalog = await mkdtemp(join(tmpdir(), 'rsgo-ui-catalog-'));
  t.teardown(() => rm(catalog, { recursive: true, force: true }));
  await writeFile(
    join(catalog, 'shop.yaml'),
    `metadata:\n  name: Shop\n  productId: com.example.shop\n  productVersion: "1.0.0"\nservices:\n  app:\n    image: ${image.ref}\n    command: ${idleCommand()}\n`,
  );
  const { host, page } = await openUi(t, {
    plugins: [
      { use: 'api-key-auth' },
      { use: 'docker-runtime', options: { stopTimeoutSeconds: 2 } },
      { use: 'local-directory-source', name: 'stacks', options: { path: catalog } },
    ],
  });
  const environmentId = (await host.host.environments.list()).find((environment) => environment.isDefault)?.id ?? '';
  t.teardown(() => removeEnvironmentResources(environmentId));
  await host.host.catalog.sync();

  // Deployed by the administrator, then redeployed by a pipeline's key.
  const token = await host.signIn();
  const stackName = `ui-shop-${randomBytes(3).toString('hex')}`;
  const deployed = await host.request('POST', '/api/deployments', { token, body: { environmentId, stackName, productId: 'com.example.shop' } });
  t.is(deployed.status, 201, deployed.text);
  const key = await host.request('POST', '/api/api-keys', { token, body: { name: 'Nightly build', permissions: ['Hooks.Redeploy'] } });
  const redeployed = await host.request('POST', '/api/hooks/redeploy', {
    apiKey: (key.body['apiKey'] as { fullKey: string }).fullKey,
    body: { stackName, environmentId, reason: 'Nightly refresh', commit: '3f2c1a9', pipelineUrl: 'https://ci.example.com/acme/shop/runs/77' },
  });
  t.is(redeployed.status, 200, redeployed.text);

  await signIn(page, host);
  const row = page.getByRole('row', { name: new RegExp(stackName) });
  await row.waitFor();
  t.is(await cell(row, 'Status').innerText(), 'Running');
  t.is(await cell(row, 'Version').innerText(), '1.0.0');
  t.is(await cell(row, 'Product').innerText(), 'Shop');
  t.is(await cell(row, 'Environment').innerText(), 'local');
  t.is(await cell(row, 'Containers').innerText(), '1 of 1 running');

  await row.getByRole('link', { name: stackName }).click();
  await page.getByRole('heading', { name: stackName, level: 1 }).waitFor();
  const container = page.getByRole('table', { name: 'Containers' }).getByRole('row', { name: /app/ });
  t.is(await cell(container, 'Image').innerText(), image.ref);
  t.is(await cell(container, 'Status').innerText(), 'running');
  const history = page.getByRole('table', { name: 'History' }).locator('tbody tr');
  t.is(await history.count(), 2);
  t.is(await cell(history.nth(0), 'Operation').innerText(), 'redeploy');
  t.is(await cell(history.nth(0), 'Triggered by').innerText(), 'API key "Nightly build"');
  t.is(await cell(history.nth(0), 'Outcome').innerText(), 'Succeeded');
  // The pipeline's intent: its reason, its commit and a link to its run.
  const why = cell(history.nth(0), 'Why');
  t.regex(await why.innerText(), /Nightly refresh\s+3f2c1a9\s+Pipeline run/);
  t.is(await why.getByRole('link', { name: 'Pipeline run' }).getAttribute('href'), 'https://ci.example.com/acme/shop/runs/77');
  t.is(await cell(history.nth(1), 'Operation').innerText(), 'deploy');
  t.is(await cell(history.nth(1), 'Triggered by').innerText(), `User ${host.admin.username}`);
  t.is(await cell(history.nth(1), 'Why').innerText(), '—');
  await docScreenshot(page, 'deployment');
});

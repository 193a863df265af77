import { browserTest, openUi } from './browser-test.js';
import { cell, openFromMenu, signIn } from './ui-steps.js';

const test = browserTest();

test.serial('an environment is added and deleted on the environments page; the host says why a deletion is refused', async (t) => {
  const { host, page } = await openUi(t, { plugins: [{ use: 'api-key-auth' }, { use: 'docker-runtime' }] });
  await signIn(page, host);
  await openFromMenu(page, 'Environments');

  await page.getByLabel('Name', { exact: true }).fill('edge');
  await page.getByLabel('Docker host (optional)').fill('tcp://10.0.0.5:2376');
  await page.getByRole('button', { name: 'Add environment' }).click();
  await page.getByText('Environment "edge" added.').waitFor();
  const edge = page.getByRole('row', { name: /edge/ });
  t.is(await cell(edge, 'Docker host').innerText(), 'tcp://10.0.0.5:2376');
  t.is(await page.getByRole('row', { name: /local/ }).getByRole('button').count(), 0, 'the default environment cannot be deleted');

  // A key restricted to it keeps it: the dialog shows the host's reason and stays open.
  const token = await host.signIn();
  const environmentId = (await host.host.environments.list()).find((environment) => environment.name === 'edge')?.id;
  const key = await host.request('POST', '/api/api-keys', { token, body: { name: 'edge-ci', permissions: ['Hooks.Redeploy'], environmentId } });
  t.is(key.status, 201, key.text);
  await edge.getByRole('button', { name: 'Delete edge' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete environment?' });
  await dialog.waitFor();
  t.is(await page.evaluate(() => document.activeElement?.textContent), 'Cancel');
  await dialog.getByRole('button', { name: 'Delete environment' }).click();
  await dialog.getByRole('alert').waitFor();
  t.is(await dialog.getByRole('alert').innerText(), "Environment 'edge' has 1 API key(s) scoped to it that are not revoked; revoke them first.");
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'detached' });
  t.is(await edge.count(), 1);

  // Once the key is revoked, the deletion goes through.
  const apiKeyId = (key.body['apiKey'] as { id: string }).id;
  t.is((await host.request('DELETE', `/api/api-keys/${apiKeyId}`, { token })).status, 200);
  await edge.getByRole('button', { name: 'Delete edge' }).click();
  await dialog.getByRole('button', { name: 'Delete environment' }).click();
  await page.getByText("Environment 'edge' deleted.").waitFor();
  await edge.waitFor({ state: 'detached' });
  t.deepEqual((await host.host.environments.list()).map((environment) => environment.name), ['local']);
});

test.serial('a Swarm environment is added from the page; an engine that is no Swarm manager is refused with the host reason', async (t) => {
  const { host, page } = await openUi(t, { plugins: [{ use: 'api-key-auth' }, { use: 'docker-runtime' }, { use: 'swarm-runtime' }] });
  await signIn(page, host);
  await openFromMenu(page, 'Environments');

  // The local engine is a single-node Swarm's manager.
  await page.getByLabel('Name', { exact: true }).fill('cluster');
  await page.getByLabel('Type').selectOption('swarm');
  await page.getByRole('button', { name: 'Add environment' }).click();
  await page.getByText('Environment "cluster" added.').waitFor();
  t.is(await cell(page.getByRole('row', { name: /cluster/ }), 'Type').innerText(), 'swarm');
  t.is(await page.getByLabel('Type').inputValue(), 'docker', 'the form starts afresh');
  t.like((await host.host.environments.list()).find((environment) => environment.name === 'cluster'), { type: 'swarm' });

  // Nothing listens there: the host says why, and nothing is added.
  await page.getByLabel('Name', { exact: true }).fill('nowhere');
  await page.getByLabel('Type').selectOption('swarm');
  await page.getByLabel('Docker host (optional)').fill('tcp://127.0.0.1:1');
  await page.getByRole('button', { name: 'Add environment' }).click();
  const refusal = page.locator('#environment-name-error');
  await refusal.waitFor();
  t.is(await refusal.innerText(), "Docker engine of environment 'nowhere' is unreachable: connect ECONNREFUSED 127.0.0.1:1; a swarm environment needs a Swarm manager that answers.");
  t.false((await host.host.environments.list()).some((environment) => environment.name === 'nowhere'));
});

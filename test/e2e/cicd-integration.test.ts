import type { ExecutionContext } from 'ava';
import type { Page } from 'playwright-core';
import type { TestHost } from '../../core/testing.js';
import { browserTest, openUi, type BrowserTestContext } from './browser-test.js';
import { cell, docScreenshot, errorOf, focusedId, openFromMenu, signIn } from './ui-steps.js';

const test = browserTest();

async function syncWithKey(host: TestHost, key: string): Promise<Response> {
  return fetch(`${host.url}/api/hooks/sync-sources`, { method: 'POST', headers: { 'X-Api-Key': key } });
}

test.serial('the seed walk-through: create a key, read it once, use it on a hook, revoke it in the UI', async (t) => {
  const { host, page } = await openUi(t);
  await signIn(page, host);

  // Steps 1 and 2: Settings → CI/CD Integration, empty at first.
  await openFromMenu(page, 'Settings', 'CI/CD Integration');
  await page.getByRole('heading', { name: 'No API keys yet' }).waitFor();
  await docScreenshot(page, 'cicd-empty');

  // Step 3: the form.
  await page.getByRole('button', { name: 'Create API Key' }).click();
  await page.getByLabel('Name', { exact: true }).fill('Azure DevOps Deploy');
  t.true(await page.getByLabel('Redeploy').isChecked(), 'Redeploy starts checked');
  await page.getByLabel('Sync Sources').check();
  await docScreenshot(page, 'cicd-create-form');
  await page.getByRole('button', { name: 'Create API Key' }).click();

  // Step 4: the full key, once, with the warning and a working copy button.
  const keyField = page.getByLabel('API key', { exact: true });
  await keyField.waitFor();
  const fullKey = await keyField.inputValue();
  t.regex(fullKey, /^rsgo_[A-Za-z0-9]{32}$/);
  t.true(await page.getByText('Copy the key now: it will not be shown again.').isVisible());
  await page.getByRole('button', { name: 'Copy key' }).click();
  await page.getByText('Copied to the clipboard.').waitFor();
  t.is(await page.evaluate(() => navigator.clipboard.readText()), fullKey);
  await docScreenshot(page, 'cicd-key-created');
  await page.getByRole('button', { name: 'Done, I have copied the key' }).click();

  // Step 5: the list shows the key without its secret, and the browser kept no copy of it.
  const row = page.getByRole('row', { name: /Azure DevOps Deploy/ });
  t.is(await cell(row, 'Status').innerText(), 'Active');
  t.is(await cell(row, 'Permissions').innerText(), 'Redeploy, Sync Sources');
  t.is(await cell(row, 'Environment').innerText(), 'All environments');
  t.is(await cell(row, 'Expires').innerText(), 'Never');
  t.is(await cell(row, 'Last used').innerText(), 'Never');
  t.true((await cell(row, 'Name').innerText()).includes(fullKey.slice(0, 12)));
  t.false((await page.content()).includes(fullKey), 'the page no longer holds the key');
  const stored = await page.evaluate(() => JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage }));
  t.false(stored.includes(fullKey), 'no storage holds the key');

  // The pipeline's call works with the key read from the page, and the list shows the use.
  const accepted = await syncWithKey(host, fullKey);
  t.is(accepted.status, 200, await accepted.text());
  await page.reload();
  await row.waitFor();
  t.not(await cell(row, 'Last used').innerText(), 'Never');
  await docScreenshot(page, 'cicd-key-list');

  // Revoke, confirmed in a dialog whose safe choice has the focus.
  await row.getByRole('button', { name: 'Revoke Azure DevOps Deploy' }).click();
  const dialog = page.getByRole('dialog', { name: 'Revoke API key?' });
  await dialog.waitFor();
  t.is(await page.evaluate(() => document.activeElement?.textContent), 'Cancel');
  await dialog.getByRole('button', { name: 'Revoke key' }).click();
  await page.getByText("API key 'Azure DevOps Deploy' revoked successfully.").waitFor();
  t.is(await cell(row, 'Status').innerText(), 'Revoked');
  t.is(await row.getByRole('button').count(), 0, 'a revoked key has nothing left to revoke');

  const refused = await syncWithKey(host, fullKey);
  t.is(refused.status, 401);
  t.like(await refused.json(), { success: false, code: 'AUTH_INVALID' });

  // The audit trail shows all of it, newest first, with who did it.
  await openFromMenu(page, 'Audit');
  const events = page.locator('tbody tr');
  await events.first().waitFor();
  const rows = await events.evaluateAll((found) => found.map((row) => (row as HTMLElement).innerText.replace(/\s+/g, ' ')));
  const revoked = rows.findIndex((text) => text.includes('apiKey.revoked'));
  const used = rows.findIndex((text) => text.includes('hook.call') && text.includes('API key "Azure DevOps Deploy"') && text.includes('success'));
  t.true(revoked >= 0 && used > revoked, rows.join('\n'));
  const rejected = rows.findIndex((text) => text.includes('auth.rejected') && text.includes('denied') && text.includes('revoked key'));
  t.true(rejected >= 0 && rejected < revoked, 'the refused call is there too');
});

test.serial('the form shows each problem next to its field, from the browser and from the host', async (t) => {
  const { host, page } = await openUi(t);
  await signIn(page, host);
  await openFromMenu(page, 'Settings', 'CI/CD Integration');
  await page.getByRole('button', { name: 'Create API Key' }).click();

  const name = page.getByLabel('Name', { exact: true });
  const permissions = page.getByRole('group', { name: 'Permissions' });
  const expiry = page.getByLabel('Expiry (optional)');
  await page.getByLabel('Redeploy').uncheck();
  await page.getByRole('button', { name: 'Create API Key' }).click();
  t.is(await errorOf(name), 'Enter a name for the key.');
  t.is(await name.getAttribute('aria-invalid'), 'true');
  t.is(await errorOf(permissions), 'Select at least one permission.');
  t.is(await focusedId(page, 'key-name'), 'key-name', 'focus goes to the first wrong field');

  await name.fill('Nightly');
  await page.getByLabel('Upgrade').check();
  await expiry.fill('2000-01-01');
  await page.getByRole('button', { name: 'Create API Key' }).click();
  t.is(await errorOf(name), '');
  t.is(await errorOf(permissions), '');
  t.is(await errorOf(expiry), 'The expiry date must be in the future.');

  // A rule only the host knows: names are unique among active keys.
  const token = await host.signIn();
  const existing = await host.request('POST', '/api/api-keys', { token, body: { name: 'Nightly', permissions: ['Hooks.Upgrade'] } });
  t.is(existing.status, 201, existing.text);
  await expiry.fill('');
  await page.getByRole('button', { name: 'Create API Key' }).click();
  await page.locator('#key-name-error').waitFor();
  t.is(await errorOf(name), "An active API key with name 'Nightly' already exists.");
  t.is(await focusedId(page, 'key-name'), 'key-name');

  const keys = await host.request('GET', '/api/api-keys', { token });
  t.is((keys.body['apiKeys'] as unknown[]).length, 1, 'refused submissions created nothing');
});

test.serial('on a phone-width screen, by keyboard only: create a key and cancel a revoke with Escape', async (t) => {
  const { host, page } = await openUi(t, { viewport: { width: 360, height: 740 } });
  await signIn(page, host);
  await page.goto(`${host.url}/settings/cicd`);
  await page.getByRole('heading', { name: 'No API keys yet' }).waitFor();

  const createButton = page.getByRole('button', { name: 'Create API Key' });
  for (let presses = 0; presses < 20 && !(await createButton.evaluate((button) => button === document.activeElement)); presses++) {
    await page.keyboard.press('Tab');
  }
  await page.keyboard.press('Enter');
  t.is(await focusedId(page, 'key-name'), 'key-name', 'the form takes the focus');
  await page.keyboard.type('Phone');
  await page.keyboard.press('Enter');
  const keyField = page.getByLabel('API key', { exact: true });
  await keyField.waitFor();
  t.true(await keyField.evaluate((input) => input === document.activeElement), 'the new key has the focus, ready to copy');
  await page.getByRole('button', { name: 'Done, I have copied the key' }).press('Enter');

  const row = page.getByRole('row', { name: /Phone/ });
  await row.getByRole('button', { name: 'Revoke Phone' }).press('Enter');
  await page.getByRole('dialog').waitFor();
  await page.keyboard.press('Escape');
  await page.getByRole('dialog').waitFor({ state: 'detached' });
  t.is(await cell(row, 'Status').innerText(), 'Active');

  t.true(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'nothing is wider than the screen');
  await docScreenshot(page, 'cicd-phone');
});

/**
 * An unbroken name of 128 characters: longer than the API accepts (100), so it is written to the
 * store directly; the page must hold any name the API can give it, with room to spare.
 */
const LONG_NAME = 'W'.repeat(128);

/** Opens the CI/CD page with one key named {@link LONG_NAME}, its revoke dialog open. */
async function pageWithLongKeyName(t: ExecutionContext<BrowserTestContext>, viewport: { width: number; height: number }) {
  const { host, page } = await openUi(t, { viewport });
  const token = await host.signIn();
  const created = await host.request('POST', '/api/api-keys', { token, body: { name: 'long', permissions: ['Hooks.Redeploy'] } });
  t.is(created.status, 201, created.text);
  await host.host.store('api_keys').where({ name: 'long' }).update({ name: LONG_NAME, active_name: LONG_NAME });
  await signIn(page, host);
  await page.goto(`${host.url}/settings/cicd`);
  const row = page.getByRole('row', { name: new RegExp(LONG_NAME) });
  await row.waitFor();
  return { page, row };
}

/** How far the page, and each element matching `selector`, reach past the window's right edge (0 = not at all). */
const overflow = (page: Page, selector: string) =>
  page.evaluate((sel) => {
    const width = document.documentElement.clientWidth;
    return {
      page: Math.max(0, document.documentElement.scrollWidth - width),
      elements: [...document.querySelectorAll(sel)].map((element) => Math.max(0, Math.round(element.getBoundingClientRect().right - width))),
    };
  }, selector);

test.serial('a 128-character unbroken key name wraps on a phone: nothing is wider than the screen', async (t) => {
  const { page, row } = await pageWithLongKeyName(t, { width: 360, height: 740 });
  t.deepEqual(await overflow(page, 'table, .app-header'), { page: 0, elements: [0, 0] });
  t.true((await cell(row, 'Name').innerText()).includes(LONG_NAME.slice(0, 20)), 'the name is shown, wrapped');
  await row.getByRole('button', { name: `Revoke ${LONG_NAME}` }).click();
  await page.getByRole('dialog').waitFor();
  t.deepEqual(await overflow(page, 'dialog'), { page: 0, elements: [0] }, 'the revoke dialog naming the key wraps too');
});

test.serial('a 128-character unbroken key name wraps in the desktop table: the table stays within the header', async (t) => {
  const { page } = await pageWithLongKeyName(t, { width: 1280, height: 800 });
  t.deepEqual(await overflow(page, 'table'), { page: 0, elements: [0] });
  const right = (selector: string) => page.locator(selector).evaluate((element) => Math.round(element.getBoundingClientRect().right));
  t.true((await right('table')) <= (await right('main')), 'the table ends within the page column under the header');
});

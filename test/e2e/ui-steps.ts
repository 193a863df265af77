import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import type { TestHost } from '../../core/testing.js';

/** Where the documentation's screenshots are written. */
const DOC_IMAGES = 'docs/images';

/** Signs the host's administrator in on the sign-in page and waits for the home page. */
export async function signIn(page: Page, host: TestHost): Promise<void> {
  await page.getByLabel('Username').fill(host.admin.username);
  await page.getByLabel('Password').fill(host.admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Deployments', level: 1 }).waitFor();
}

/** Goes to a page through the main menu (and the links after it), as a user would. */
export async function openFromMenu(page: Page, ...links: string[]): Promise<void> {
  for (const name of links) await page.getByRole('link', { name, exact: true }).click();
}

/** The text of the errors a control's `aria-describedby` points to: what a screen reader reads with it. */
export async function errorOf(control: Locator): Promise<string> {
  const ids = ((await control.getAttribute('aria-describedby')) ?? '').split(' ').filter(Boolean);
  const page = control.page();
  const texts: string[] = [];
  for (const id of ids) {
    const described = page.locator(`[id="${id}"]`);
    if ((await described.getAttribute('class'))?.includes('field-error')) texts.push((await described.innerText()).replace(/^⚠\s*/, ''));
  }
  return texts.join(' ');
}

/** The cell of a table row under `column` (the UI labels each cell with its column). */
/**
 * The id of the focused element once it is `expected`, or whatever has the focus after ten
 * seconds: the UI moves the focus after it renders, which a busy browser may do a moment later.
 */
export async function focusedId(page: Page, expected: string): Promise<string | undefined> {
  await page.waitForFunction((id) => document.activeElement?.id === id, expected, { timeout: 10_000 }).catch(() => undefined);
  return page.evaluate(() => document.activeElement?.id);
}

/**
 * The page's title once it is `expected`, or whatever it is after ten seconds: the UI sets the
 * title after it renders, which a busy browser may do a moment after the page shows.
 */
export async function titleOnceItIs(page: Page, expected: string): Promise<string> {
  await page.waitForFunction((title) => document.title === title, expected, { timeout: 10_000 }).catch(() => undefined);
  return page.title();
}

export const cell = (row: Locator, column: string): Locator => row.locator(`[data-label="${column}"]`);

/** Saves the whole page as `docs/images/<name>.png` for the documentation. */
export async function docScreenshot(page: Page, name: string): Promise<void> {
  await mkdir(DOC_IMAGES, { recursive: true });
  // No hover highlight on whatever the pointer last clicked.
  await page.mouse.move(0, 0);
  await page.screenshot({ path: join(DOC_IMAGES, `${name}.png`), fullPage: true });
}

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium; nothing is ever downloaded. `RSGO_CHROMIUM` points elsewhere. */
const CHROMIUM = process.env['RSGO_CHROMIUM'] ?? '/usr/bin/chromium';

/** Starts headless Chromium as the test machines run it (no sandbox as root, no background traffic). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/** Where failed browser tests leave a screenshot of the page as it was. */
export const FAILURE_SCREENSHOTS = 'test-results';

/** Saves `page` as `test-results/<test title>.png`; returns the path. */
export async function saveFailureScreenshot(page: Page, title: string): Promise<string> {
  await mkdir(FAILURE_SCREENSHOTS, { recursive: true });
  const path = join(FAILURE_SCREENSHOTS, `${title.replace(/[^\w.-]+/g, '-').slice(0, 120)}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

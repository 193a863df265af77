import anyTest, { type ExecutionContext, type TestFn } from 'ava';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { TestHost } from '../../core/testing.js';
import { launchChromium, saveFailureScreenshot } from '../support/browser.js';
import { removeEnvironmentResources } from '../support/deploy-host.js';
import { useTestHost } from '../support/test-host.js';
import { buildWebUi } from '../support/web-ui-build.js';

export interface BrowserTestContext {
  browser: Browser;
  webRoot: string;
  /** The test's own browser window, for the screenshot on failure. */
  window?: { context: BrowserContext; page: Page; cspViolations: string[] };
}

/**
 * The test function of a browser test file: one Chromium and one UI build for the file, a
 * screenshot in `test-results/` when a test fails, and a check that no page tripped the CSP.
 * Tests in such a file should be `serial`: each drives a whole page.
 */
export function browserTest(): TestFn<BrowserTestContext> {
  const test = anyTest as TestFn<BrowserTestContext>;
  test.before(async (t) => {
    t.context.webRoot = await buildWebUi();
    t.context.browser = await launchChromium();
  });
  test.after.always(async (t) => {
    await t.context.browser?.close();
  });
  test.afterEach.always(async (t) => {
    const window = t.context.window;
    if (!window) return;
    if (!t.passed) t.log(`screenshot: ${await saveFailureScreenshot(window.page, t.title.replace(/^afterEach\.always hook for /, ''))}`);
    await window.context.close();
    // The pages' own code never trips the Content-Security-Policy the host sends.
    t.deepEqual(window.cspViolations, []);
  });
  return test;
}

export interface UiOptions {
  /** The host's `plugins:` (API-key auth only by default). */
  readonly plugins?: readonly Record<string, unknown>[];
  readonly viewport?: { width: number; height: number };
}

/** A real host serving the freshly built UI, and a browser page on it. */
export async function openUi(t: ExecutionContext<BrowserTestContext>, options: UiOptions = {}): Promise<{ host: TestHost; page: Page }> {
  const host = await useTestHost(t, {
    webRoot: t.context.webRoot,
    config: { plugins: options.plugins ?? [{ use: 'api-key-auth' }] },
  });
  const context = await t.context.browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 800 },
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  const page = await context.newPage();
  const cspViolations: string[] = [];
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) cspViolations.push(message.text());
  });
  t.context.window = { context, page, cspViolations };
  await page.goto(host.url);
  return { host, page };
}

/**
 * {@link openUi} on a host that deploys to the real Docker engine from the catalog folder
 * `catalog` (synced), with `runtime` as the `docker-runtime` options. Resolves the default
 * environment too; whatever deployments leave in it is removed after the test.
 */
export async function openDeployUi(
  t: ExecutionContext<BrowserTestContext>,
  catalog: string,
  runtime: Readonly<Record<string, unknown>>,
  viewport?: { width: number; height: number },
): Promise<{ host: TestHost; page: Page; environmentId: string }> {
  const { host, page } = await openUi(t, {
    plugins: [{ use: 'api-key-auth' }, { use: 'docker-runtime', options: runtime }, { use: 'local-directory-source', name: 'stacks', options: { path: catalog } }],
    ...(viewport ? { viewport } : {}),
  });
  const environmentId = (await host.host.environments.list()).find((environment) => environment.isDefault)?.id ?? '';
  t.teardown(() => removeEnvironmentResources(environmentId));
  await host.host.catalog.sync();
  return { host, page, environmentId };
}

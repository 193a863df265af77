import { browserTest, openUi } from './browser-test.js';

const test = browserTest();

test.serial('the rendered API description shows every area from the host alone, without a request elsewhere', async (t) => {
  const { host, page } = await openUi(t);
  const elsewhere: string[] = [];
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(host.url) && !url.startsWith('data:')) elsewhere.push(url);
  });
  await page.goto(`${host.url}/api/docs`);
  // Swagger UI renders the document it fetched from /api/openapi.json: its title and operations.
  await page.getByText('rsgo', { exact: false }).first().waitFor();
  await page.getByText('/api/hooks/redeploy').first().waitFor();
  for (const path of ['/api/deployments/{id}', '/api/audit', '/healthz', '/api/openapi.json']) t.true(await page.getByText(path, { exact: true }).first().isVisible(), path);
  t.true(await page.getByText("Redeploys a stack (or a product's stacks) with fresh images of its current version.").first().isVisible());
  t.deepEqual(elsewhere, []);
});

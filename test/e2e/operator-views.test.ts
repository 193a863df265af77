import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { browserTest, openUi } from './browser-test.js';
import { cell, openFromMenu, signIn } from './ui-steps.js';

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

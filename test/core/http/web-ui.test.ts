import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { WEB_UI_CSP } from '../../../core/http/web-ui.js';
import { useTestHost } from '../../support/test-host.js';

const INDEX = '<!doctype html><title>rsgo</title><script type="module" src="/assets/index-abc123.js"></script>';

/** A folder shaped like Vite's output, without running Vite, inside a temp folder of its own. */
async function fakeBundle(t: ExecutionContext): Promise<string> {
  const outside = await mkdtemp(join(tmpdir(), 'rsgo-web-ui-'));
  t.teardown(() => rm(outside, { recursive: true, force: true }));
  const root = join(outside, 'web');
  await mkdir(join(root, 'assets'), { recursive: true });
  await writeFile(join(root, 'index.html'), INDEX);
  await writeFile(join(root, 'assets', 'index-abc123.js'), 'console.log("ui");');
  await writeFile(join(root, 'assets', 'index-def456.css'), 'body{}');
  await writeFile(join(root, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  return root;
}

test('/ and client-side routes answer index.html with a strict CSP and no caching', async (t) => {
  const host = await useTestHost(t, { webRoot: await fakeBundle(t) });
  for (const path of ['/', '/settings/cicd', '/deployments/6f1c0d52-4cf0-4a4e-9d4e-3f0f1b2f7a10']) {
    const res = await host.request('GET', path);
    t.is(res.status, 200, path);
    t.is(res.text, INDEX);
    t.is(res.headers.get('content-type'), 'text/html; charset=utf-8');
    t.is(res.headers.get('cache-control'), 'no-cache');
    t.is(res.headers.get('content-security-policy'), WEB_UI_CSP);
    t.is(res.headers.get('x-frame-options'), 'DENY');
    t.is(res.headers.get('x-content-type-options'), 'nosniff');
  }
  t.regex(WEB_UI_CSP, /script-src 'self'/);
  t.notRegex(WEB_UI_CSP, /unsafe-inline|unsafe-eval/);
});

test('hashed assets are cached for a year with their content type; other files revalidate', async (t) => {
  const host = await useTestHost(t, { webRoot: await fakeBundle(t) });
  const script = await host.request('GET', '/assets/index-abc123.js');
  t.is(script.status, 200);
  t.is(script.text, 'console.log("ui");');
  t.is(script.headers.get('content-type'), 'text/javascript; charset=utf-8');
  t.is(script.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  const style = await host.request('GET', '/assets/index-def456.css');
  t.is(style.headers.get('content-type'), 'text/css; charset=utf-8');
  const icon = await host.request('GET', '/favicon.svg');
  t.is(icon.headers.get('content-type'), 'image/svg+xml');
  t.is(icon.headers.get('cache-control'), 'no-cache');
});

test('a file whose ETag the browser holds is answered 304; HEAD sends headers only', async (t) => {
  const host = await useTestHost(t, { webRoot: await fakeBundle(t) });
  const first = await host.request('GET', '/');
  const etag = first.headers.get('etag');
  t.truthy(etag);
  // fetch() keeps its own cache semantics; a plain request shows what the server answers.
  const status = await new Promise<number | undefined>((done, fail) =>
    request(`${host.url}/`, { headers: { 'if-none-match': etag ?? '' } }, (res) => {
      res.resume();
      done(res.statusCode);
    })
      .on('error', fail)
      .end(),
  );
  t.is(status, 304);
  const head = await host.request('HEAD', '/');
  t.is(head.status, 200);
  t.is(head.text, '');
  t.is(head.headers.get('content-length'), String(Buffer.byteLength(INDEX)));
});

test('the API, the health check and missing files keep their JSON answers', async (t) => {
  const host = await useTestHost(t, { webRoot: await fakeBundle(t) });
  const api = await host.request('GET', '/api/no-such-route');
  t.is(api.status, 404);
  t.like(api.body, { success: false, code: 'NOT_FOUND' });
  const bareApi = await host.request('GET', '/api');
  t.is(bareApi.status, 404);
  t.like(bareApi.body, { success: false });
  t.is((await host.request('GET', '/healthz')).status, 200);
  const missing = await host.request('GET', '/assets/index-gone.js');
  t.is(missing.status, 404);
  t.like(missing.body, { success: false, code: 'NOT_FOUND' });
  const posted = await host.request('POST', '/settings/cicd', { body: {} });
  t.is(posted.status, 404);
});

test('paths cannot leave the bundle folder', async (t) => {
  const root = await fakeBundle(t);
  await writeFile(join(root, '..', 'secret.txt'), 'outside');
  const host = await useTestHost(t, { webRoot: root });
  for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/..%2fsecret.txt', '/%00']) {
    const res = await host.request('GET', path);
    t.not(res.text, 'outside', path);
    t.true(res.status === 404 || res.status === 400, `${path}: ${res.status}`);
  }
  t.is((await host.request('GET', '/%E0%A4%A')).status, 400);
});

test('without a build, pages say how to make one instead of failing', async (t) => {
  const empty = await mkdtemp(join(tmpdir(), 'rsgo-web-ui-empty-'));
  t.teardown(() => rm(empty, { recursive: true, force: true }));
  const host = await useTestHost(t, { webRoot: join(empty, 'not-built') });
  const res = await host.request('GET', '/settings/cicd');
  t.is(res.status, 503);
  t.is(res.headers.get('content-type'), 'text/plain; charset=utf-8');
  t.regex(res.text, /npm run build/);
  t.is((await host.request('GET', '/healthz')).status, 200);
});

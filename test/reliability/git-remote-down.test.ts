import test, { type ExecutionContext } from 'ava';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestResponse } from '../../core/testing.js';
import { createKey, useAuthHost, type AuthTestHost } from '../support/api-keys.js';
import { createGitRemote, startGitDaemon, startStallingRemote, type GitRemote } from '../support/git-remotes.js';
import { singleStackProduct } from '../support/product-manifests.js';

/** A hook call that has to wait for an unreachable remote must still be answered within this. */
const ANSWER_LIMIT_MS = 20_000;

/** `name@version` of every product version `GET /api/catalog` lists, by source. */
async function catalogOf(auth: AuthTestHost): Promise<string[]> {
  const res = await auth.host.request('GET', '/api/catalog', { token: auth.token });
  const products = res.body['products'] as Array<{ sourceId: string; name: string; versions: string[] }>;
  return products.flatMap((p) => p.versions.map((version) => `${p.sourceId}:${p.name}@${version}`)).sort();
}

/** A host with the Git source `platform` at `url` and a local folder source `local`, and a key that may sync. */
async function hostWithSources(t: ExecutionContext, url: string, gitOptions: Record<string, unknown> = {}) {
  const folder = await mkdtemp(join(tmpdir(), 'rsgo-local-source-'));
  t.teardown(() => rm(folder, { recursive: true, force: true }));
  await writeFile(join(folder, 'notes.yaml'), singleStackProduct('Notes', '2.0.0'));
  const host = await useAuthHost(t, 'sqlite', {
    config: { hooks: { timeoutMs: { catalogSource: 10_000 } } },
    extraPlugins: [
      { use: 'git-source', name: 'platform', options: { url, ...gitOptions } },
      { use: 'local-directory-source', name: 'local', options: { path: folder } },
    ],
  });
  const key = await createKey(t, host, { name: 'ci', permissions: ['Hooks.SyncSources'] });
  const sync = async (): Promise<TestResponse & { ms: number }> => {
    const started = performance.now();
    const res = await host.host.request('POST', '/api/hooks/sync-sources', { apiKey: key.fullKey });
    return { ...res, ms: performance.now() - started };
  };
  return { auth: host, sync };
}

async function remoteWith(t: ExecutionContext, version: string): Promise<GitRemote> {
  const remote = await createGitRemote(t);
  await remote.commit({ 'shop.yaml': singleStackProduct('Shop', version) });
  return remote;
}

test('While the Git remote is down its sync fails by name, the catalog keeps its last good stacks, and the next sync after it is back succeeds', async (t) => {
  const remote = await remoteWith(t, '1.0.0');
  const daemon = await startGitDaemon(t, remote);
  const { auth, sync } = await hostWithSources(t, daemon.url);
  t.like((await sync()).body, { success: true, sourcesSynced: 2, stacksLoaded: 2 });

  await daemon.stop();
  await remote.commit({ 'shop.yaml': singleStackProduct('Shop', '1.1.0') });
  const down = await sync();
  t.log(`remote down: answered ${down.status} after ${Math.round(down.ms)} ms: ${String(down.body['message'])}`);
  t.is(down.status, 500);
  t.true(down.ms < ANSWER_LIMIT_MS, `answered after ${Math.round(down.ms)} ms`);
  t.like(down.body, { success: false, code: 'SYNC_FAILED', sourcesSynced: 1, stacksLoaded: 1 });
  t.regex(String(down.body['message']), /^Sync completed with errors: Failed to sync 'platform': git fetch failed: unable to connect to 127\.0\.0\.1/);
  t.deepEqual((down.body['errors'] as Array<{ source: string }>).map((e) => e.source), ['platform']);
  t.deepEqual(await catalogOf(auth), ['local:Notes@2.0.0', 'platform:Shop@1.0.0'], 'the last good stacks stay');

  await startGitDaemon(t, remote, { port: Number(new URL(daemon.url).port) });
  const back = await sync();
  t.is(back.status, 200, back.text);
  t.like(back.body, { success: true, sourcesSynced: 2, stacksLoaded: 2 });
  t.deepEqual(await catalogOf(auth), ['local:Notes@2.0.0', 'platform:Shop@1.1.0'], 'the commit made meanwhile is loaded');
});

test('A Git remote that accepts connections and never answers is cut off, and the host keeps answering meanwhile', async (t) => {
  const remote = await remoteWith(t, '1.0.0');
  const stalling = await startStallingRemote(t, await startGitDaemon(t, remote));
  const { auth, sync } = await hostWithSources(t, stalling.url, { stallTimeoutSeconds: 3 });
  stalling.stall();

  const pending = sync();
  await stalling.connected();
  // While git waits on the remote, the rest of the host is not held up.
  const health = await auth.host.request('GET', '/healthz');
  t.is(health.status, 200);
  t.deepEqual(await catalogOf(auth), ['local:Notes@2.0.0', 'platform:Shop@1.0.0']);

  const answer = await pending;
  t.log(`remote hung: answered ${answer.status} after ${Math.round(answer.ms)} ms: ${String(answer.body['message'])}`);
  t.is(answer.status, 500);
  t.true(answer.ms < ANSWER_LIMIT_MS, `answered after ${Math.round(answer.ms)} ms`);
  t.regex(String(answer.body['message']), /^Sync completed with errors: Failed to sync 'platform': /);
  t.deepEqual(await catalogOf(auth), ['local:Notes@2.0.0', 'platform:Shop@1.0.0'], 'the last good stacks stay');
  await stalling.allClosed();
});

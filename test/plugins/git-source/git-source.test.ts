import test, { type ExecutionContext } from 'ava';
import { access, cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCatalogSources, type SourceOutcome } from '../../../core/catalog/run-catalog-sources.js';
import { ConfigError, errorMessage } from '../../../core/errors.js';
import type { TestHost } from '../../../core/testing.js';
import { createGitRemote, startGitDaemon, startGitHttpServer, startStallingRemote } from '../../support/git-remotes.js';
import { singleStackProduct } from '../../support/product-manifests.js';
import { readyStackGoShapedCatalog, shapedCatalogWarnings } from '../../support/ready-stack-go-shaped-catalog.js';
import { useTestHost } from '../../support/test-host.js';

const SOURCE = 'platform';

function gitSourceHost(t: ExecutionContext, options: Record<string, unknown>, config: Record<string, unknown> = {}): Promise<TestHost> {
  return useTestHost(t, { config: { ...config, plugins: [{ use: 'git-source', name: SOURCE, options }] } });
}

/** `name@version` of every product version in the catalog. */
const catalogOf = (host: TestHost): string[] =>
  host.host.catalog.groups().flatMap((group) => group.map((product) => `${product.name}@${product.version}`));

const checkoutOf = (host: TestHost): string => join(host.dataDir, 'plugins', SOURCE, 'checkout');

/** The revision the source answered in one run of the catalog sources, else what it answered instead. */
function revisionIn(outcomes: ReadonlyMap<string, SourceOutcome>): string {
  const outcome = outcomes.get(SOURCE);
  if (outcome === undefined) return 'no answer';
  if ('error' in outcome) return `failed: ${errorMessage(outcome.error)}`;
  return 'revision' in outcome.result && outcome.result.revision !== null ? outcome.result.revision : JSON.stringify(outcome.result);
}

/** Runs the catalog sources once, outside the catalog (which never runs two syncs at once). */
const runSources = (host: TestHost, previous: ReadonlyMap<string, string> = new Map()): Promise<Map<string, SourceOutcome>> =>
  runCatalogSources(host.hooks, previous, new AbortController().signal);

test('The first sync makes a shallow single-branch clone and loads its products', async (t) => {
  const remote = await createGitRemote(t);
  await remote.commit({ 'shop.yaml': singleStackProduct('Shop', '1.0.0'), 'blog/blog.yaml': singleStackProduct('Blog', '2.1.0') });
  await remote.commit({ 'wiki.yaml': singleStackProduct('Wiki', '0.3.0') }, { branch: 'other' });
  const host = await gitSourceHost(t, { url: remote.fileUrl });

  t.deepEqual(catalogOf(host), ['Blog@2.1.0', 'Shop@1.0.0']);
  const checkout = checkoutOf(host);
  await t.notThrowsAsync(access(join(checkout, '.git', 'shallow')), 'the clone is shallow');
  const config = await readFile(join(checkout, '.git', 'config'), 'utf8');
  t.regex(config, /fetch = \+refs\/heads\/main:refs\/remotes\/origin\/main/, 'the clone tracks one branch only');
});

test('A new commit is picked up by the next sync, fetched into the same checkout', async (t) => {
  const remote = await createGitRemote(t);
  await remote.commit({ 'shop.yaml': singleStackProduct('Shop', '1.0.0') });
  const daemon = await startGitDaemon(t, remote);
  const host = await gitSourceHost(t, { url: daemon.url });
  t.deepEqual(catalogOf(host), ['Shop@1.0.0']);
  // A file git does not know: it survives a fetch, not a fresh clone.
  const marker = join(checkoutOf(host), '.git', 'not-a-fresh-clone');
  await writeFile(marker, '');

  await remote.commit({ 'shop-2.yaml': singleStackProduct('Shop', '1.1.0'), 'tools.yaml': singleStackProduct('Tools', '0.1.0') });
  const report = await host.host.catalog.sync();

  t.like(report, { success: true, sourcesSynced: 1, stacksLoaded: 3 });
  t.deepEqual(catalogOf(host), ['Shop@1.0.0', 'Shop@1.1.0', 'Tools@0.1.0']);
  await t.notThrowsAsync(access(marker), 'the checkout was updated in place');
});

test('A file deleted in the remote leaves the catalog with the next sync', async (t) => {
  const remote = await createGitRemote(t);
  await remote.commit({ 'shop.yaml': singleStackProduct('Shop', '1.0.0'), 'old.yaml': singleStackProduct('Old', '1.0.0') });
  const host = await gitSourceHost(t, { url: remote.fileUrl });
  await remote.commit({ 'old.yaml': null });
  await host.host.catalog.sync();
  t.deepEqual(catalogOf(host), ['Shop@1.0.0']);
});

test('An unchanged remote answers "unchanged" so nothing is parsed again', async (t) => {
  const remote = await createGitRemote(t);
  const commit = await remote.commit({ 'shop.yaml': singleStackProduct('Shop', '1.0.0') });
  const host = await gitSourceHost(t, { url: remote.fileUrl });

  const again = await runSources(host, new Map([[SOURCE, commit]]));
  t.deepEqual(again.get(SOURCE), { result: { unchanged: true } });
  t.is(revisionIn(await runSources(host)), commit, 'the revision is the commit id');
});

test('Two syncs of the source at once both bring the new commit, one after the other in the same checkout', async (t) => {
  const remote = await createGitRemote(t);
  const first = await remote.commit({ 'shop.yaml': singleStackProduct('Shop', '1.0.0') });
  const host = await gitSourceHost(t, { url: remote.fileUrl });
  await remote.commit({ 'shop.yaml': singleStackProduct('Shop', '1.1.0') });
  const second = await remote.commit({ 'tools.yaml': singleStackProduct('Tools', '0.1.0') });

  // As when a webhook's sync meets one still winding down after its deadline.
  const runs = await Promise.all([1, 2, 3].map(() => runSources(host, new Map([[SOURCE, first]]))));
  t.deepEqual(runs.map(revisionIn), [second, second, second]);
});

test('The configured branch is the one loaded', async (t) => {
  const remote = await createGitRemote(t);
  await remote.commit({ 'shop.yaml': singleStackProduct('Shop', '1.0.0') });
  await remote.commit({ 'shop.yaml': singleStackProduct('Shop', '2.0.0-rc.1') }, { branch: 'release' });
  const daemon = await startGitDaemon(t, remote);
  const host = await gitSourceHost(t, { url: daemon.url, branch: 'release' });
  t.deepEqual(catalogOf(host), ['Shop@2.0.0-rc.1']);

  await remote.commit({ 'shop.yaml': singleStackProduct('Shop', '1.0.1') }, { branch: 'main' });
  await remote.commit({ 'shop.yaml': singleStackProduct('Shop', '2.0.0') }, { branch: 'release' });
  await host.host.catalog.sync();
  t.deepEqual(catalogOf(host), ['Shop@2.0.0']);
});

test('Only the configured folder of the repository is read', async (t) => {
  const remote = await createGitRemote(t);
  await remote.commit({
    'stacks/shop.yaml': singleStackProduct('Shop', '1.0.0'),
    'stacks/nested/tools.yaml': singleStackProduct('Tools', '1.0.0'),
    'ci/pipeline.yaml': singleStackProduct('Not A Stack', '1.0.0'),
    'root.yaml': singleStackProduct('Root', '1.0.0'),
  });
  const host = await gitSourceHost(t, { url: remote.fileUrl, path: 'stacks/' });
  t.deepEqual(catalogOf(host), ['Shop@1.0.0', 'Tools@1.0.0']);
});

test('A folder missing from the branch is reported for that source', async (t) => {
  const remote = await createGitRemote(t);
  await remote.commit({ 'shop.yaml': singleStackProduct('Shop', '1.0.0') });
  const host = await gitSourceHost(t, { url: remote.fileUrl, path: 'stacks' });
  const report = await host.host.catalog.sync();
  t.deepEqual(report.errors, [{ source: SOURCE, message: "folder 'stacks' does not exist in branch 'main'" }]);
});

test('An unknown branch is reported for that source and the start goes on', async (t) => {
  const remote = await createGitRemote(t);
  await remote.commit({ 'shop.yaml': singleStackProduct('Shop', '1.0.0') });
  const host = await gitSourceHost(t, { url: remote.fileUrl, branch: 'no-such-branch' });
  const report = await host.host.catalog.sync();
  t.like(report, { success: false, sourcesSynced: 0, stacksLoaded: 0 });
  t.is(report.errors[0]?.source, SOURCE);
  t.regex(report.errors[0]?.message ?? '', /^git clone failed: .*no-such-branch not found/);
  t.deepEqual(catalogOf(host), []);
});

test('A branch deleted from the remote after a good sync is reported and the last good stacks stay', async (t) => {
  const remote = await createGitRemote(t);
  await remote.commit({ 'shop.yaml': singleStackProduct('Shop', '1.0.0') });
  await remote.commit({ 'shop.yaml': singleStackProduct('Shop', '1.5.0') }, { branch: 'feature' });
  const host = await gitSourceHost(t, { url: remote.fileUrl, branch: 'feature' });
  t.deepEqual(catalogOf(host), ['Shop@1.5.0']);

  await remote.deleteBranch('feature');
  const report = await host.host.catalog.sync();
  t.false(report.success);
  t.regex(report.errors[0]?.message ?? '', /^git fetch failed: couldn't find remote ref refs\/heads\/feature/);
  t.deepEqual(catalogOf(host), ['Shop@1.5.0']);
});

test('A remote that goes down is reported and the source keeps its last good stacks', async (t) => {
  const remote = await createGitRemote(t);
  await remote.commit({ 'shop.yaml': singleStackProduct('Shop', '1.0.0') });
  const daemon = await startGitDaemon(t, remote);
  const host = await useTestHost(t, {
    config: {
      plugins: [
        { use: 'git-source', name: SOURCE, options: { url: daemon.url } },
        { use: 'git-source', name: 'mirror', options: { url: remote.fileUrl } },
      ],
    },
  });
  await daemon.stop();
  await remote.commit({ 'shop.yaml': singleStackProduct('Shop', '1.1.0') });

  const report = await host.host.catalog.sync();
  t.like(report, { success: false, sourcesSynced: 1 });
  t.is(report.errors.length, 1);
  t.is(report.errors[0]?.source, SOURCE);
  t.regex(report.errors[0]?.message ?? '', /^git fetch failed: unable to connect to 127.0.0.1: .*Connection refused/);
  // The platform source still serves 1.0.0; the mirror (second in config order) brought 1.1.0.
  t.deepEqual(host.host.catalog.versions('platform:Shop').map((p) => p.version), ['1.0.0']);
  t.deepEqual(host.host.catalog.versions('mirror:Shop').map((p) => p.version), ['1.1.0']);
});

test('A checkout left locked by an interrupted git command is still updated', async (t) => {
  const remote = await createGitRemote(t);
  await remote.commit({ 'shop.yaml': singleStackProduct('Shop', '1.0.0') });
  const host = await gitSourceHost(t, { url: remote.fileUrl });
  await writeFile(join(checkoutOf(host), '.git', 'index.lock'), '');
  await remote.commit({ 'shop.yaml': singleStackProduct('Shop', '1.0.1') });
  t.like(await host.host.catalog.sync(), { success: true });
  t.deepEqual(catalogOf(host), ['Shop@1.0.1']);
});

test('A checkout of another remote left in the data folder is replaced by a clone of the configured one', async (t) => {
  const first = await createGitRemote(t);
  await first.commit({ 'old.yaml': singleStackProduct('Old', '1.0.0') });
  const second = await createGitRemote(t);
  await second.commit({ 'new.yaml': singleStackProduct('New', '1.0.0') });
  const before = await gitSourceHost(t, { url: first.fileUrl });
  // A data folder kept across a restart with a changed config.
  const kept = await mkdtemp(join(tmpdir(), 'rsgo-kept-'));
  t.teardown(() => rm(kept, { recursive: true, force: true }));
  await cp(join(before.dataDir, 'plugins'), join(kept, 'plugins'), { recursive: true });
  const after = await gitSourceHost(t, { url: second.fileUrl }, { dataDir: kept });
  t.deepEqual(catalogOf(after), ['New@1.0.0']);
});

test('Credentials go to the server as a header and never appear in URLs, logs, answers, the audit or the checkout', async (t) => {
  const username = 'deploy-bot';
  const password = 'S3cr3t-t0ken-value';
  const secrets = [password, username, Buffer.from(`${username}:${password}`).toString('base64')];
  const remote = await createGitRemote(t);
  await remote.commit({ 'shop.yaml': singleStackProduct('Shop', '1.0.0') });
  const server = await startGitHttpServer(t, remote, { username, password });

  const good = await gitSourceHost(t, { url: server.url, username, password });
  t.deepEqual(catalogOf(good), ['Shop@1.0.0']);
  await remote.commit({ 'shop.yaml': singleStackProduct('Shop', '1.0.1') });
  t.like(await good.host.catalog.sync(), { success: true });
  t.true(server.requests.length > 0);
  t.true(server.requests.every((request) => request.authorised), 'every request carried the credentials');
  t.false(server.requests.some((request) => secrets.some((secret) => request.url.includes(secret))));

  const bad = await gitSourceHost(t, { url: server.url, username, password: `${password}-wrong` });
  const report = await bad.host.catalog.sync();
  t.false(report.success);
  t.regex(report.errors[0]?.message ?? '', /^git clone failed: /);

  const token = await bad.signIn();
  const answer = await bad.request('POST', '/api/catalog/sync', { token });
  t.is(answer.status, 500);
  t.regex(String(answer.body['message']), /^Sync completed with errors: Failed to sync 'platform': git clone failed: /);
  const audit = await bad.request('GET', '/api/audit', { token });
  t.regex(audit.text, /catalog\.synced.*git clone failed/, 'the failed sync is audited with its reason');

  const outputs = [
    JSON.stringify(report),
    answer.text,
    audit.text,
    ...good.logs,
    ...bad.logs,
    await readFile(join(checkoutOf(good), '.git', 'config'), 'utf8'),
  ].join('\n');
  for (const secret of [...secrets, `${password}-wrong`, Buffer.from(`${username}:${password}-wrong`).toString('base64')]) {
    t.false(outputs.includes(secret), `'${secret}' leaked`);
  }
});

test('Without credentials a protected remote is reported as a failed source', async (t) => {
  const remote = await createGitRemote(t);
  await remote.commit({ 'shop.yaml': singleStackProduct('Shop', '1.0.0') });
  const server = await startGitHttpServer(t, remote, { username: 'u', password: 'p' });
  const host = await gitSourceHost(t, { url: server.url });
  const report = await host.host.catalog.sync();
  t.regex(report.errors[0]?.message ?? '', /^git clone failed: .*(terminal prompts disabled|Authentication failed)/);
});

const refused = async (t: ExecutionContext, options: Record<string, unknown>): Promise<string> => {
  const err = await t.throwsAsync(gitSourceHost(t, options), { instanceOf: ConfigError });
  return err?.message ?? '';
};

test('Credentials written into the URL are refused at start without repeating them', async (t) => {
  const message = await refused(t, { url: 'https://bot:hunter2-token@git.example.com/stacks.git' });
  t.regex(message, /plugins\[0\]\.options\.url: must not contain credentials/);
  t.false(message.includes('hunter2-token'));
});

test('Unsupported remotes and half-given credentials are refused at start', async (t) => {
  t.regex(await refused(t, { url: 'ssh://git@example.com/stacks.git' }), /scheme 'ssh:' is not supported/);
  t.regex(await refused(t, { url: 'https://example.com/s.git', username: 'bot' }), /options\.password: username and password go together/);
  t.regex(await refused(t, { url: 'git://example.com/s.git', username: 'bot', password: 'x' }), /credentials are only sent to http\(s\) remotes/);
  t.regex(await refused(t, { url: 'https://example.com/s.git', branch: '--upload-pack=evil' }), /branch: is not a valid branch name/);
  t.regex(await refused(t, { url: 'https://example.com/s.git', path: '../outside' }), /path: must be a folder inside the repository/);
});

test('Empty credentials from unset environment variables count as none', async (t) => {
  const remote = await createGitRemote(t);
  await remote.commit({ 'shop.yaml': singleStackProduct('Shop', '1.0.0') });
  const host = await gitSourceHost(t, { url: remote.fileUrl, username: '', password: '' });
  t.deepEqual(catalogOf(host), ['Shop@1.0.0']);
});

test('A remote that never answers is cut off at the source timeout and its git process stopped', async (t) => {
  const remote = await createGitRemote(t);
  await remote.commit({ 'shop.yaml': singleStackProduct('Shop', '1.0.0') });
  const stalling = await startStallingRemote(t, await startGitDaemon(t, remote));
  stalling.stall();
  const host = await gitSourceHost(t, { url: stalling.url }, { hooks: { timeoutMs: { catalogSource: 1_500 } } });

  const report = await host.host.catalog.sync();
  t.deepEqual(report.errors, [{ source: SOURCE, message: 'did not answer within 1500 ms' }]);
  await stalling.allClosed();
  t.pass('every stalled connection was closed: git was stopped');
});

test('Stopping the host stops a sync in progress', async (t) => {
  const remote = await createGitRemote(t);
  await remote.commit({ 'shop.yaml': singleStackProduct('Shop', '1.0.0') });
  const stalling = await startStallingRemote(t, await startGitDaemon(t, remote));
  const host = await gitSourceHost(t, { url: stalling.url });
  t.deepEqual(catalogOf(host), ['Shop@1.0.0']);

  stalling.stall();
  const sync = host.host.catalog.sync();
  await stalling.connected();
  const started = Date.now();
  await host.close();
  await stalling.allClosed();
  // Far below the 5-minute source timeout a close would otherwise wait for (generous for busy machines).
  t.true(Date.now() - started < 60_000);
  const report = await sync;
  t.regex(report.errors[0]?.message ?? '', /^git fetch failed: aborted/);
});

test('A catalog in the shapes written for ReadyStackGo loads from Git with the same warnings as from a folder', async (t) => {
  const remote = await createGitRemote(t);
  await remote.commit(readyStackGoShapedCatalog({ cache: 'example/cache:7', events: 'example/events:23', serve: 'serve', idle: 'idle' }));
  const host = await gitSourceHost(t, { url: remote.fileUrl });

  const report = await host.host.catalog.sync();

  t.like(report, { success: true, stacksLoaded: 3 });
  t.deepEqual(catalogOf(host), ['Builder@1.0.0', 'Ledger@1.0.0', 'Ping@1.0.0']);
  t.deepEqual(report.warnings, shapedCatalogWarnings.map((warning) => ({ source: SOURCE, ...warning })));
});

import test, { type ExecutionContext } from 'ava';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMysqlDatabase } from '../support/databases.js';
import { docker } from '../support/docker-cli.js';
import { idleCommand, removeEnvironmentResources } from '../support/deploy-host.js';
import { healthWaitProduct } from '../support/health-wait-product.js';
import { recovered, signIn, type ProcessClient, type ProcessResponse } from '../support/host-installation.js';
import { eventually, startHostProcess, type HostProcess } from '../support/host-process.js';
import { testImages } from '../support/test-images.js';

const images = testImages('reliability-several-hosts');

/** Stacks the round-robin client spreads its calls over. */
const STACKS = 20;
/**
 * How many calls the round-robin client makes (`RSGO_SEVERAL_HOSTS_CALLS` to change it). On a
 * shared 2-core machine 200 take about three minutes of engine time: with two host starts and
 * the rest of the scenario the test runs past ava's five-minute timeout, so it sets its own.
 */
const CALLS = Number(process.env['RSGO_SEVERAL_HOSTS_CALLS'] ?? 200);
/** The whole scenario's bound: the calls, at about a second per pair of them, plus the rest. */
const TEST_TIMEOUT_MS = 300_000 + CALLS * 1_000;
/** Calls in flight at once: pairs of calls for the same stack reach both hosts together, 10 stacks at a time. */
const IN_FLIGHT = 20;

/** Version `version` of `App`: one idle service. */
function appManifest(image: string, version: string): string {
  return `metadata: { name: App, productVersion: "${version}" }\nservices:\n  app:\n    image: ${image}\n    command: ${idleCommand()}\n`;
}

/** `App` and `Slow`: one whose health check passes READY_SECONDS after it starts. */
function catalog(image: string): Record<string, string> {
  return {
    'app.yaml': appManifest(image, '1.0.0'),
    'slow.yaml': healthWaitProduct('Slow', '1.0.0', image),
  };
}

interface HostPair {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  /** Starts the host `name` (`a` or `b`): its own config and data folder, the shared database and catalog. */
  start(name: string): Promise<HostProcess>;
}

/** Two host configs on one fresh MariaDB database, one catalog folder and one token secret. */
async function hostPair(t: ExecutionContext, image: string): Promise<HostPair> {
  const dir = await mkdtemp(join(tmpdir(), 'rsgo-hosts-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'stacks'));
  for (const [file, text] of Object.entries(catalog(image))) await writeFile(join(dir, 'stacks', file), text);
  const databaseUrl = await createMysqlDatabase(t);
  for (const name of ['a', 'b']) {
    await writeFile(
      join(dir, `${name}.yaml`),
      `server: { host: 127.0.0.1, port: 0 }
dataDir: ./data-${name}
database: { client: mysql, url: "${databaseUrl}" }
auth: { tokenSecret: "\${RSGO_TOKEN_SECRET}" }
deployments: { timeoutSeconds: 300, lockWaitSeconds: 120, leaseSeconds: 2 }
plugins:
  - use: api-key-auth
  - use: docker-runtime
    options: { stopTimeoutSeconds: 1, settleSeconds: 0.2 }
  - use: local-directory-source
    name: stacks
    options: { path: ./stacks }
`,
    );
  }
  const env = { RSGO_ADMIN_USER: 'admin', RSGO_ADMIN_PASSWORD: randomBytes(12).toString('hex'), RSGO_TOKEN_SECRET: randomBytes(32).toString('hex') };
  return { dir, env, start: (name) => startHostProcess(t, join(dir, `${name}.yaml`), env) };
}

/** Deploys `productId` as `stackName` through `client`, once the host's catalog has loaded. */
async function deploy(t: ExecutionContext, client: ProcessClient, stackName: string, productId: string): Promise<string> {
  const res = await eventually('the catalog to load', 120_000, async () => {
    const answer = await client.call('POST', '/api/deployments', { environmentId: client.environmentId, stackName, productId, version: '1.0.0' });
    return answer.body['code'] === 'PRODUCT_NOT_FOUND' ? undefined : answer;
  });
  t.is(res.status, 201, JSON.stringify(res.body));
  return String(res.body['deploymentId']);
}

interface HistoryEntry {
  readonly operation: string;
  readonly outcome: string;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly message: string | null;
  readonly triggeredBy: string;
}

async function historyOf(client: ProcessClient, deploymentId: string): Promise<{ deployment: Record<string, unknown>; history: HistoryEntry[] }> {
  const deployment = (await client.call('GET', `/api/deployments/${deploymentId}`)).body['deployment'] as Record<string, unknown>;
  return { deployment, history: deployment['history'] as HistoryEntry[] };
}

/** Container ids labelled with the deployment, running or not. */
async function containersOf(deploymentId: string): Promise<string[]> {
  return (await docker('container', 'ls', '--all', '--quiet', '--no-trunc', '--filter', `label=rsgo.deployment=${deploymentId}`)).split('\n').filter(Boolean);
}

/** The versions of `App` in the catalog `client`'s host serves. */
async function appVersions(client: ProcessClient): Promise<unknown> {
  const products = (await client.call('GET', '/api/catalog')).body['products'] as Array<{ groupId: string; versions: string[] }>;
  return products.find((product) => product.groupId === 'stacks:App')?.versions;
}

test('two hosts on one MariaDB database share sessions, keys, locks, catalog syncs and recovery: round-robin hook calls over 20 stacks, a version synced on one host is upgraded to through the other, then one host is killed mid-redeploy and the other reconciles its deployment', async (t) => {
  t.timeout(TEST_TIMEOUT_MS, 'two host starts, the round-robin calls and a recovery');
  const started = Date.now();
  const phase = (what: string) => t.log(`${what} after ${Math.round((Date.now() - started) / 1000)} s`);
  const image = await images.push('app');
  const pair = await hostPair(t, image.ref);
  // Both start together on the empty database: the migrations and the first admin are made once.
  const [hostA, hostB] = await Promise.all([pair.start('a'), pair.start('b')]);
  const a = await signIn(hostA, pair.env);
  const b = await signIn(hostB, pair.env);
  phase('both hosts up');
  t.is(a.environmentId, b.environmentId, 'one default environment for both');
  t.teardown(() => removeEnvironmentResources(a.environmentId));

  // A key made on one host works on the other; so does a session.
  const created = await b.call('POST', '/api/api-keys', { name: 'pipeline', permissions: ['Hooks.Redeploy', 'Hooks.Upgrade', 'Hooks.SyncSources'], environmentId: b.environmentId });
  t.is(created.status, 201, JSON.stringify(created.body));
  const apiKey = String((created.body['apiKey'] as { fullKey: string }).fullKey);
  const login = await fetch(`${hostA.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: pair.env['RSGO_ADMIN_USER'], password: pair.env['RSGO_ADMIN_PASSWORD'] }),
  });
  const { token } = (await login.json()) as { token: string };
  const onB = await fetch(`${hostB.url}/api/deployments`, { headers: { authorization: `Bearer ${token}` } });
  t.is(onB.status, 200, 'a session from host A is valid on host B');

  // 20 stacks, deployed half through each host.
  const suffix = randomBytes(3).toString('hex');
  const stacks = Array.from({ length: STACKS }, (_, i) => `multi-${suffix}-${i}`);
  const ids = await Promise.all(stacks.map((stack, i) => deploy(t, i % 2 === 0 ? a : b, stack, 'stacks:App')));
  phase(`${STACKS} stacks deployed`);

  // The round-robin client: call i goes to host i % 2; calls 2k and 2k+1 name the same stack, so
  // both hosts contend for it at the same moment. Every tenth pair syncs the catalog on both
  // hosts at once instead.
  const hosts = [a, b];
  const answers: Array<{ host: number; stack: number | null; answer: ProcessResponse | Error }> = [];
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < CALLS; i = next++) {
      const host = i % 2;
      const stack = i % 20 >= 18 ? null : Math.floor(i / 2) % STACKS;
      const answer = await (stack === null
        ? hosts[host]!.hook('/api/hooks/sync-sources', apiKey, {})
        : hosts[host]!.hook('/api/hooks/redeploy', apiKey, { stackName: stacks[stack] })
      ).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
      answers.push({ host, stack, answer });
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  phase(`${CALLS} calls answered`);

  t.is(answers.length, CALLS, 'every call was answered');
  const failures = answers.filter(({ answer }) => answer instanceof Error || !(answer.status === 200 || (answer.status === 409 && answer.body['code'] === 'STACK_BUSY')));
  t.deepEqual(failures.map(({ answer }) => (answer instanceof Error ? answer.message : answer.body)), [], 'only 200, or 409 STACK_BUSY for a stack kept busy too long');
  for (const host of [0, 1]) t.is(answers.filter((x) => x.host === host).length, CALLS / 2);
  const syncs = answers.filter((x) => x.stack === null).map((x) => (x.answer as ProcessResponse).body);
  t.true(syncs.every((body) => body['stacksLoaded'] === 2 && body['sourcesSynced'] === 1), JSON.stringify(syncs));

  for (const [i, id] of ids.entries()) {
    const { deployment, history } = await historyOf(i % 2 === 0 ? b : a, id);
    const redeployed = answers.filter((x) => x.stack === i && (x.answer as ProcessResponse).status === 200).length;
    // Each call that answered 200 is one succeeded entry: nothing was done twice or lost.
    t.is(history.filter((h) => h.operation === 'redeploy' && h.outcome === 'Succeeded').length, redeployed, stacks[i]);
    // One operation at a time per stack, across both hosts: the entries never overlap.
    const ordered = [...history].sort((x, y) => x.startedAt.localeCompare(y.startedAt));
    for (let k = 1; k < ordered.length; k += 1) {
      const [before, after] = [ordered[k - 1]!, ordered[k]!];
      t.true(before.finishedAt !== null && before.finishedAt <= after.startedAt, `${stacks[i]}: ${JSON.stringify(before)} overlaps ${JSON.stringify(after)}`);
    }
    t.like(deployment, { status: 'Running' });
    t.is((await containersOf(id)).length, 1, `${stacks[i]} has exactly one container`);
  }

  // A version added to the source and synced through host A is there at once through host B.
  await writeFile(join(pair.dir, 'stacks', 'app-2.yaml'), appManifest(image.ref, '2.0.0'));
  const synced = await a.hook('/api/hooks/sync-sources', apiKey, {});
  t.like(synced, { status: 200, body: { stacksLoaded: 3 } }, JSON.stringify(synced.body));
  const upgraded = await b.hook('/api/hooks/upgrade', apiKey, { stackName: stacks[0], targetVersion: '2.0.0' });
  t.like(upgraded, { status: 200, body: { previousVersion: '1.0.0', newVersion: '2.0.0' } }, JSON.stringify(upgraded.body));
  // Syncs on both hosts at once, after another version was added: both answer, and both hosts serve one catalog.
  await writeFile(join(pair.dir, 'stacks', 'app-3.yaml'), appManifest(image.ref, '3.0.0'));
  const together = await Promise.all([a.hook('/api/hooks/sync-sources', apiKey, {}), b.hook('/api/hooks/sync-sources', apiKey, {})]);
  for (const answer of together) t.like(answer, { status: 200, body: { stacksLoaded: 4, sourcesSynced: 1 } }, JSON.stringify(answer.body));
  t.deepEqual(await appVersions(a), ['1.0.0', '2.0.0', '3.0.0']);
  const [catalogA, catalogB] = await Promise.all([a.call('GET', '/api/catalog'), b.call('GET', '/api/catalog')]);
  t.deepEqual(catalogB.body, catalogA.body, 'both hosts serve the same catalog');
  phase('catalog synced across hosts');

  // Host A is killed with SIGKILL while its redeploy waits for the new container's health check.
  const slowStack = `multi-${suffix}-slow`;
  const slowId = await deploy(t, b, slowStack, 'stacks:Slow');
  const [before] = await containersOf(slowId);
  let cutOff: ProcessResponse | Error | undefined;
  const call = a.hook('/api/hooks/redeploy', apiKey, { stackName: slowStack, variables: { READY_SECONDS: '3600' } }).then(
    (res) => (cutOff = res),
    (err: unknown) => (cutOff = err instanceof Error ? err : new Error(String(err))),
  );
  await eventually("the redeploy's new container to run", 120_000, async () => {
    if (cutOff !== undefined) throw new Error(`the redeploy ended before the host was killed: ${JSON.stringify(cutOff)}`);
    const now = await containersOf(slowId);
    return now.length === 1 && now[0] !== before ? true : undefined;
  });
  phase('host A in the health wait');
  hostA.child.kill('SIGKILL');
  await hostA.exited;
  t.true((await call) instanceof Error, 'the call was cut off with the host');

  // Host B goes on serving: sessions, keys and other stacks are unaffected.
  for (const stackName of stacks.slice(0, 4)) {
    const res = await b.hook('/api/hooks/redeploy', apiKey, { stackName });
    t.is(res.status, 200, JSON.stringify(res.body));
  }
  // The new container turns healthy. Host A stays dead: host B finds the deployment A left in
  // flight once A's lease ran out, and reconciles it without any restart.
  const [slowContainer] = await containersOf(slowId);
  await docker('exec', slowContainer!, 'touch', '/tmp/ready');
  const deployment = await recovered(b, slowStack);
  phase('recovered');
  const history = deployment['history'] as HistoryEntry[];
  t.like(history.at(-2), { operation: 'redeploy', outcome: 'Failed', message: 'Interrupted: the host stopped before the redeploy finished.' });
  t.like(history.at(-1), { operation: 'recover', outcome: 'Succeeded', triggeredBy: 'host' });
  t.like(deployment, { status: 'Running', errorMessage: null });
  // And the stack takes hook calls again.
  const again = await b.hook('/api/hooks/redeploy', apiKey, { stackName: slowStack, variables: { READY_SECONDS: '0' } });
  t.is(again.status, 200, JSON.stringify(again.body));
  t.is((await containersOf(slowId)).length, 1);
});

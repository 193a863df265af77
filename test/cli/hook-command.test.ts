import test from 'ava';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKey, useAuthHost } from '../support/api-keys.js';
import { containersLabelled } from '../support/deploy-host.js';
import { docker } from '../support/docker-cli.js';
import { hookCallEvents, pipelineHostFor } from '../support/pipeline-host.js';
import { runCli } from '../support/run-cli.js';
import { testImages } from '../support/test-images.js';

const pipelineHost = pipelineHostFor(testImages('hook-command'));

// Serial: each test deploys on the shared engine (see useDeployHost), and every run starts a
// Node process; on a busy machine a crowd of them at once only makes each slower.

test.serial('hook redeploy replaces the container with the variables given, prints the host message and exits 0', async (t) => {
  const pipeline = await pipelineHost(t);
  const before = await pipeline.containerId();
  const run = await runCli(['hook', 'redeploy', '--stack', pipeline.stackName, '--var', 'MOTTO=a=b'], { env: pipeline.env });
  t.is(run.code, 0, run.stderr);
  t.is(run.stdout, `Successfully triggered redeploy of '${pipeline.stackName}'.\n`);
  t.regex(run.stderr, /^Redeploying '[^']+'\.\.\.\n/);
  t.not(await pipeline.containerId(), before);
  t.is(await pipeline.inContainer('echo $MOTTO'), 'a=b');
});

test.serial('hook redeploy --product replaces the containers of the product deployment and prints the host answer', async (t) => {
  const pipeline = await pipelineHost(t);
  const deploymentName = `shop${randomBytes(3).toString('hex')}`;
  const deployed = await pipeline.host.admin('POST', '/api/product-deployments', { environmentId: pipeline.environmentId, productId: 'com.example.site', version: '1.0.0', deploymentName });
  t.is(deployed.status, 201, deployed.text);
  const productContainers = async () => (await containersLabelled('rsgo.environment', pipeline.environmentId)).filter((line) => line.startsWith(`${deploymentName}-`));
  const ids = async () => Promise.all((await productContainers()).map((line) => docker('container', 'inspect', '--format', '{{.Id}}', line.split(' ')[0] ?? '')));
  const before = await ids();
  t.is(before.length, 1);
  const stackBefore = await pipeline.containerId();

  const run = await runCli(['hook', 'redeploy', '--product', 'com.example.site', '--json'], { env: pipeline.env });

  t.is(run.code, 0, run.stderr);
  t.like(run.json(), { success: true, message: "Successfully triggered redeploy of product 'Site'.", productDeploymentId: deployed.body['productDeploymentId'] });
  const after = await ids();
  t.is(after.length, 1);
  t.not(after[0], before[0]);
  t.is(await pipeline.containerId(), stackBefore, 'the stack deployed on its own is left alone');
});

test.serial('hook upgrade --json upgrades the stack and prints the host answer', async (t) => {
  const pipeline = await pipelineHost(t);
  const before = await pipeline.containerId();
  const upgrade = await runCli(['hook', 'upgrade', '--stack', pipeline.stackName, '--version', '2.0.0', '--json'], { env: pipeline.env });
  t.is(upgrade.code, 0, upgrade.stderr);
  t.deepEqual(upgrade.json(), {
    success: true,
    operationId: upgrade.json()['operationId'],
    message: `Successfully upgraded '${pipeline.stackName}' from 1.0.0 to 2.0.0.`,
    deploymentId: pipeline.deploymentId,
    previousVersion: '1.0.0',
    newVersion: '2.0.0',
  });
  t.not(await pipeline.containerId(), before);
  t.is(await pipeline.inContainer('cat /variant'), 'two');
});

test.serial('hook sync prints the sync message of the host', async (t) => {
  const pipeline = await pipelineHost(t);
  const run = await runCli(['hook', 'sync'], { env: pipeline.env });
  t.is(run.code, 0, run.stderr);
  t.is(run.stdout, 'Synced 1 source(s), loaded 3 stack(s).\n');
});

test.serial('a 400 from the hook exits 1 with the host message, after exactly one attempt, and the stack keeps running', async (t) => {
  const pipeline = await pipelineHost(t);
  const before = await pipeline.containerId();
  const run = await runCli(['hook', 'upgrade', '--stack', 'not-deployed', '--version', '2.0.0'], { env: pipeline.env });
  t.is(run.code, 1);
  t.regex(run.stderr, new RegExp(`rsgo: No deployment found for stack 'not-deployed' in environment '${pipeline.environmentId}'\\.\\n {2}\\(HTTP 400, DEPLOYMENT_NOT_FOUND, request id `));
  t.notRegex(run.stderr, /retrying/);
  t.is((await hookCallEvents(pipeline)).filter((e) => e['endpoint'] === 'POST /api/hooks/upgrade').length, 1);
  t.is(await pipeline.containerId(), before);
});

test.serial('a catalog sync with a failed source exits 4 after exactly one attempt, naming the source', async (t) => {
  const host = await useAuthHost(t, 'sqlite', { extraPlugins: [{ use: 'git-source', name: 'platform', options: { url: `file://${join(tmpdir(), 'rsgo-no-such-remote')}` } }] });
  const key = await createKey(t, host, { name: 'ci', permissions: ['Hooks.SyncSources'] });
  const run = await runCli(['hook', 'sync', '--retry-delay', '20'], { env: { RSGO_URL: host.host.url, RSGO_API_KEY: key.fullKey } });
  t.is(run.code, 4);
  t.regex(run.stderr, /\nerror: platform: git clone failed: .* does not appear to be a git repository/);
  t.regex(run.stderr, /\nrsgo: Sync completed with errors: Failed to sync 'platform': git clone failed: .*\n {2}\(HTTP 500, SYNC_FAILED, /);
  t.notRegex(run.stderr, /retrying/);
  await host.host.host.audit.flush();
  const calls = ((await host.host.request('GET', '/api/audit', { token: host.token })).body['events'] as Array<Record<string, unknown>>).filter((e) => e['action'] === 'hook.call');
  t.is(calls.length, 1);
});

test.serial('a refused key exits 3 and changes nothing: 401 for an unknown key, 403 for a missing permission or a foreign environment', async (t) => {
  const pipeline = await pipelineHost(t);
  const { env, host, stackName } = pipeline;
  const before = await pipeline.containerId();
  const unknown = await runCli(['hook', 'sync', '--json'], { env: { ...env, RSGO_API_KEY: 'rsgo_00000000000000000000000000000000' } });
  t.is(unknown.code, 3);
  t.like(unknown.json(), { success: false, message: 'Invalid or missing API key.', code: 'AUTH_INVALID' });

  const syncOnly = await createKey(t, host, { name: 'sync only', permissions: ['Hooks.SyncSources'] });
  const forbidden = await runCli(['hook', 'upgrade', '--stack', stackName, '--version', '2.0.0'], { env: { ...env, RSGO_API_KEY: syncOnly.fullKey } });
  t.is(forbidden.code, 3);
  t.regex(forbidden.stderr, /\nrsgo: Permission 'Hooks\.Upgrade' required\.\n/);

  const other = await host.admin('POST', '/api/environments', { name: 'staging' });
  const staging = (other.body['environment'] as { id: string }).id;
  const foreign = await runCli(['hook', 'redeploy', '--stack', stackName, '--env', staging], { env });
  t.is(foreign.code, 3);
  t.regex(foreign.stderr, /\nrsgo: API key is restricted to environment '[0-9a-f-]{36}'\.\n/);
  t.is(await pipeline.containerId(), before);
});

test.serial('without RSGO_URL the call exits 2, without RSGO_API_KEY it exits 3, and neither sends anything', async (t) => {
  const noUrl = await runCli(['hook', 'sync'], { env: { RSGO_API_KEY: 'rsgo_x' } });
  t.is(noUrl.code, 2);
  t.regex(noUrl.stderr, /^rsgo: RSGO_URL is not set: set it \(or pass --url\) to the address of the rsgo host\.\n/);
  const noKey = await runCli(['hook', 'sync'], { env: { RSGO_URL: 'http://127.0.0.1:9' } });
  t.is(noKey.code, 3);
  t.is(noKey.stderr, 'rsgo: RSGO_API_KEY is not set: set it to an API key with the permission this hook needs.\n');
  const noTarget = await runCli(['hook', 'redeploy'], { env: { RSGO_URL: 'http://127.0.0.1:9', RSGO_API_KEY: 'rsgo_x' } });
  t.is(noTarget.code, 2);
  t.regex(noTarget.stderr, /^rsgo: Missing --stack or --product\./);
});

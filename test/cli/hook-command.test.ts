import test from 'ava';
import { createKey } from '../support/api-keys.js';
import { usePipelineHost } from '../support/pipeline-host.js';
import { DEPLOYMENT_ID, succeedingHandlers } from '../support/recording-webhook-handlers.js';
import { runCli } from '../support/run-cli.js';

// Serial: every run starts a Node process, and on a busy machine a crowd of them at once only
// makes each slower; one at a time, each test reports as soon as it is done.

test.serial('hook redeploy prints the host message and passes stack, variables and the key scope on', async (t) => {
  const { env, calls, environmentId } = await usePipelineHost(t, succeedingHandlers);
  const run = await runCli(['hook', 'redeploy', '--stack', 'ams-project', '--var', 'BUILD_NUM=42', '--var', 'TAG=a=b'], { env });
  t.is(run.code, 0, run.stderr);
  t.is(run.stdout, "Successfully triggered redeploy of 'ams-project'.\n");
  t.regex(run.stderr, /^Redeploying 'ams-project'\.\.\.\n/);
  t.deepEqual(calls, [{ environmentId, target: { kind: 'stack', stackName: 'ams-project' }, variables: { BUILD_NUM: '42', TAG: 'a=b' } }]);
});

test.serial('hook redeploy of a product and hook upgrade --json print the host answers', async (t) => {
  const { env, calls, environmentId } = await usePipelineHost(t, succeedingHandlers);
  const product = await runCli(['hook', 'redeploy', '--product', 'ams.project', '--stack-definition', 'Analytics'], { env });
  t.is(product.code, 0, product.stderr);
  const upgrade = await runCli(['hook', 'upgrade', '--stack', 'ams-project', '--version', '6.5.0', '--json'], { env });
  t.is(upgrade.code, 0, upgrade.stderr);
  t.deepEqual(upgrade.json(), {
    success: true,
    operationId: upgrade.json()['operationId'],
    message: "Successfully upgraded 'ams-project' from 6.4.0 to 6.5.0.",
    deploymentId: DEPLOYMENT_ID,
    previousVersion: '6.4.0',
    newVersion: '6.5.0',
  });
  t.deepEqual(calls, [
    { environmentId, target: { kind: 'product', productId: 'ams.project', stackDefinitionName: 'Analytics' }, variables: {} },
    { environmentId, stackName: 'ams-project', targetVersion: '6.5.0', variables: {} },
  ]);
});

test.serial('hook sync prints the sync message of the host', async (t) => {
  const { env } = await usePipelineHost(t);
  const run = await runCli(['hook', 'sync'], { env });
  t.is(run.code, 0, run.stderr);
  t.is(run.stdout, 'Synced 0 source(s), loaded 0 stack(s).\n');
});

test.serial('a 400 from the hook exits 1 with the host message, after exactly one attempt', async (t) => {
  const { env, environmentId, calls } = await usePipelineHost(t);
  const run = await runCli(['hook', 'upgrade', '--stack', 'ams-project', '--version', '6.5.0'], { env });
  t.is(run.code, 1);
  t.regex(run.stderr, new RegExp(`rsgo: No deployment found for stack 'ams-project' in environment '${environmentId}'\\.\\n {2}\\(HTTP 400, DEPLOYMENT_NOT_FOUND, request id `));
  t.notRegex(run.stderr, /retrying/);
  t.is(calls.length, 1);
});

test.serial('a refused key exits 3: 401 for an unknown key, 403 for a missing permission or a foreign environment', async (t) => {
  const { env, auth } = await usePipelineHost(t);
  const unknown = await runCli(['hook', 'sync', '--json'], { env: { ...env, RSGO_API_KEY: 'rsgo_00000000000000000000000000000000' } });
  t.is(unknown.code, 3);
  t.like(unknown.json(), { success: false, message: 'Invalid or missing API key.', code: 'AUTH_INVALID' });

  const syncOnly = await createKey(t, auth, { name: 'sync only', permissions: ['Hooks.SyncSources'] });
  const forbidden = await runCli(['hook', 'upgrade', '--stack', 'x', '--version', '2.0.0'], { env: { ...env, RSGO_API_KEY: syncOnly.fullKey } });
  t.is(forbidden.code, 3);
  t.regex(forbidden.stderr, /\nrsgo: Permission 'Hooks\.Upgrade' required\.\n/);

  const other = await auth.host.request('POST', '/api/environments', { token: auth.token, body: { name: 'staging' } });
  const staging = (other.body['environment'] as { id: string }).id;
  const foreign = await runCli(['hook', 'redeploy', '--stack', 'x', '--env', staging], { env });
  t.is(foreign.code, 3);
  t.regex(foreign.stderr, /\nrsgo: API key is restricted to environment '[0-9a-f-]{36}'\.\n/);
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

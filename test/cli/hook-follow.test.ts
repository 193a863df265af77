import test from 'ava';
import { createKey } from '../support/api-keys.js';
import { docker } from '../support/docker-cli.js';
import { runCli } from '../support/run-cli.js';
import { deploySite, redeployCount, siteHostFor } from '../support/site-catalog.js';
import { testImages } from '../support/test-images.js';

const siteHost = siteHostFor(testImages('hook-follow'));

// Serial: each test deploys on the shared engine (see useDeployHost).

test.serial('hook redeploy --follow prints each step of the service as it happens, then the answer; the same CI run does not redeploy twice', async (t) => {
  const host = await siteHost(t);
  const { stackName, deploymentId } = await deploySite(t, host);
  const key = await createKey(t, host, { name: 'ci', permissions: ['Hooks.Redeploy'], environmentId: host.environmentId });
  const env = { RSGO_URL: host.host.url, RSGO_API_KEY: key.fullKey, GITHUB_RUN_ID: '4242', GITHUB_RUN_ATTEMPT: '1' };

  const run = await runCli(['hook', 'redeploy', '--stack', stackName, '--var', 'MOTTO=followed', '--follow'], { env });

  t.is(run.code, 0, run.stderr);
  t.is(run.stdout, `Successfully triggered redeploy of '${stackName}'.\n`);
  t.regex(run.stderr, /^Redeploying '[^']+'\.\.\.\n/);
  for (const step of [/ {2}www: Pulling /, / {2}www: Stopping container /, / {2}www: Creating container /, / {2}www: Starting container /, / {2}www: .* is healthy/]) {
    t.regex(run.stderr, step);
  }
  t.is(await docker('exec', `${stackName}_www`, 'sh', '-c', 'echo $MOTTO'), 'followed');
  const container = await docker('container', 'inspect', '--format', '{{.Id}}', `${stackName}_www`);

  // The step runs again in the same pipeline run: the host replays the answer.
  const again = await runCli(['hook', 'redeploy', '--stack', stackName, '--var', 'MOTTO=followed', '--follow', '--json'], { env });
  t.is(again.code, 0, again.stderr);
  t.like(again.json(), { success: true, message: `Successfully triggered redeploy of '${stackName}'.`, deploymentId });
  t.is(await docker('container', 'inspect', '--format', '{{.Id}}', `${stackName}_www`), container);
  t.is(await redeployCount(host, deploymentId), 1);
});

test.serial('hook upgrade --follow that fails shows the rollback and exits 1 with the reason', async (t) => {
  const host = await siteHost(t);
  const { stackName } = await deploySite(t, host);
  const key = await createKey(t, host, { name: 'release', permissions: ['Hooks.Upgrade'], environmentId: host.environmentId });

  const run = await runCli(['hook', 'upgrade', '--stack', stackName, '--version', '3.0.0', '--follow'], { env: { RSGO_URL: host.host.url, RSGO_API_KEY: key.fullKey } });

  t.is(run.code, 1, run.stderr);
  t.is(run.stdout, '');
  t.regex(run.stderr, new RegExp(` {2}${stackName}: Rolling back to 1\\.0\\.0\\n`));
  t.regex(run.stderr, /rsgo: Deployment failed: .*Rolled back to 1\.0\.0\./s);
  t.regex(run.stderr, /\(HTTP 400, /);
});

test.serial('hook sync --follow and a refused --follow call: refusals come at once with their exit code', async (t) => {
  const host = await siteHost(t);
  const key = await createKey(t, host, { name: 'sync', permissions: ['Hooks.SyncSources'] });
  const env = { RSGO_URL: host.host.url, RSGO_API_KEY: key.fullKey };
  const sync = await runCli(['hook', 'sync', '--follow'], { env });
  t.is(sync.code, 0, sync.stderr);
  t.is(sync.stdout, 'Synced 1 source(s), loaded 3 stack(s).\n');
  const refused = await runCli(['hook', 'redeploy', '--stack', 'anything', '--env', host.environmentId, '--follow'], { env });
  t.is(refused.code, 3, refused.stderr);
  t.regex(refused.stderr, /rsgo: Permission 'Hooks\.Redeploy' required\./);
});

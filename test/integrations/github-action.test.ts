import test, { type ExecutionContext } from 'ava';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { hookCallEvents, pipelineHostFor } from '../support/pipeline-host.js';
import { runShell } from '../support/run-shell.js';
import { testImages } from '../support/test-images.js';

const pipelineHost = pipelineHostFor(testImages('github-action'));

const ACTION = new URL('../../integrations/github-actions/rsgo-deploy/action.yml', import.meta.url);

interface CompositeAction {
  inputs: Record<string, { default?: string }>;
  runs: { using: string; steps: { id: string; shell: string; env: Record<string, string>; run: string }[] };
}

/**
 * Runs the action's step as the runner would: `${{ inputs.* }}` filled in from `inputs` (or the
 * input's default), the step's `env` over the runner's own variables (`runner`), `bash --noprofile --norc -eo pipefail`. Resolves the run
 * and the step's outputs.
 */
async function runAction(t: ExecutionContext, inputs: Record<string, string>, runner: Record<string, string> = {}) {
  const action = load(await readFile(ACTION, 'utf8')) as CompositeAction;
  t.is(action.runs.using, 'composite');
  const [step] = action.runs.steps;
  if (!step) throw new Error('the action has no step');
  const expression = /^\$\{\{ inputs\.([a-z-]+) \}\}$/;
  const env = Object.fromEntries(
    Object.entries(step.env).map(([name, value]) => {
      const input = expression.exec(value)?.[1] ?? '';
      return [name, inputs[input] ?? action.inputs[input]?.default ?? ''];
    }),
  );
  const dir = await mkdtemp(join(tmpdir(), 'rsgo-gha-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const outputFile = join(dir, 'output');
  t.is(step.shell, 'bash');
  const run = await runShell('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c'], step.run, { ...runner, ...env, GITHUB_OUTPUT: outputFile });
  const outputs = await readFile(outputFile, 'utf8').catch(() => '');
  return { ...run, outputs };
}

// Serial: each test deploys on the shared engine (see useDeployHost).

test.serial('the GitHub action redeploys a stack: a new container, the message printed and set as the step output', async (t) => {
  const host = await pipelineHost(t);
  const before = await host.containerId();
  const run = await runAction(t, { operation: 'redeploy', url: host.env.RSGO_URL, 'api-key': host.env.RSGO_API_KEY, 'stack-name': host.stackName });
  t.is(run.code, 0, run.stdout + run.stderr);
  t.is(run.stdout, `Successfully triggered redeploy of '${host.stackName}'.\n`);
  t.is(run.outputs, `message=Successfully triggered redeploy of '${host.stackName}'.\n`);
  t.not(await host.containerId(), before);
});

test.serial('the GitHub action upgrades and syncs', async (t) => {
  const host = await pipelineHost(t);
  const common = { url: `${host.env.RSGO_URL}/`, 'api-key': host.env.RSGO_API_KEY };
  const upgrade = await runAction(t, { ...common, operation: 'upgrade', 'stack-name': host.stackName, 'target-version': '2.0.0', 'environment-id': host.environmentId });
  t.is(upgrade.code, 0, upgrade.stdout + upgrade.stderr);
  t.is(upgrade.stdout, `Successfully upgraded '${host.stackName}' from 1.0.0 to 2.0.0.\n`);
  t.is(await host.inContainer('cat /variant'), 'two');
  const sync = await runAction(t, { ...common, operation: 'sync' });
  t.is(sync.code, 0, sync.stdout + sync.stderr);
  t.is(sync.stdout, 'Synced 1 source(s), loaded 3 stack(s).\n');
});

test.serial('the GitHub action fails the job on a 400, on a 401 and on a failed upgrade, with the host message as the error', async (t) => {
  const host = await pipelineHost(t);
  const before = await host.containerId();
  const missing = await runAction(t, { operation: 'redeploy', url: host.env.RSGO_URL, 'api-key': host.env.RSGO_API_KEY, 'stack-name': 'nope' });
  t.is(missing.code, 1);
  t.is(missing.stdout, `::error::rsgo answered HTTP 400: No deployment found for stack 'nope' in environment '${host.environmentId}'.\n`);
  const refused = await runAction(t, { operation: 'sync', url: host.env.RSGO_URL, 'api-key': 'rsgo_wrong' });
  t.is(refused.code, 1);
  t.is(refused.stdout, '::error::rsgo answered HTTP 401: Invalid or missing API key.\n');
  const unknownOperation = await runAction(t, { operation: 'deploy', url: host.env.RSGO_URL, 'api-key': host.env.RSGO_API_KEY });
  t.is(unknownOperation.code, 2);
  t.is(await host.containerId(), before);
  const failed = await runAction(t, { operation: 'upgrade', url: host.env.RSGO_URL, 'api-key': host.env.RSGO_API_KEY, 'stack-name': host.stackName, 'target-version': '3.0.0' });
  t.is(failed.code, 1);
  t.regex(failed.stdout, /^::error::rsgo answered HTTP 400: Deployment failed: .*Rolled back to 1\.0\.0\.\n$/s);
  t.is(await host.inContainer('cat /variant'), 'one');
});

test('the GitHub action fails when the host cannot be reached', async (t) => {
  const run = await runAction(t, { operation: 'sync', url: 'http://127.0.0.1:9', 'api-key': 'rsgo_x' });
  t.is(run.code, 1);
  t.regex(run.stdout, /::error::cannot reach the rsgo host/);
});

test.serial('an input with quotes and $(...) reaches the host as a plain value', async (t) => {
  const host = await pipelineHost(t);
  const name = `x"; echo injected; $(echo injected) '`;
  const run = await runAction(t, { operation: 'redeploy', url: host.env.RSGO_URL, 'api-key': host.env.RSGO_API_KEY, 'stack-name': name, reason: name });
  t.is(run.code, 1);
  t.notRegex(run.stdout, /^injected/m);
  const [call] = await hookCallEvents(host);
  t.like(call, { endpoint: 'POST /api/hooks/redeploy', reason: name });
});

test.serial("the GitHub action sends the reason, and the workflow's commit and run address unless given", async (t) => {
  const host = await pipelineHost(t);
  const common = { operation: 'redeploy', url: host.env.RSGO_URL, 'api-key': host.env.RSGO_API_KEY, 'stack-name': host.stackName };
  const runner = { GITHUB_SHA: 'a1b2c3d4', GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/shop', GITHUB_RUN_ID: '4242' };
  const fromRun = await runAction(t, { ...common, reason: "Ship it: 'fast' $(whoami)" }, runner);
  t.is(fromRun.code, 0, fromRun.stdout + fromRun.stderr);
  const given = await runAction(t, { ...common, commit: 'v1.2.3', 'pipeline-url': 'https://ci.example.com/runs/7' }, runner);
  t.is(given.code, 0, given.stdout + given.stderr);
  const [first, second] = await hookCallEvents(host);
  t.like(first, { outcome: 'success', reason: "Ship it: 'fast' $(whoami)", commit: 'a1b2c3d4', pipelineUrl: 'https://github.com/acme/shop/actions/runs/4242' });
  t.like(second, { outcome: 'success', reason: null, commit: 'v1.2.3', pipelineUrl: 'https://ci.example.com/runs/7' });
});

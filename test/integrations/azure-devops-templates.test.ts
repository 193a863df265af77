import test from 'ava';
import { readFile } from 'node:fs/promises';
import { load } from 'js-yaml';
import { hookCallEvents, pipelineHostFor } from '../support/pipeline-host.js';
import { runShell, type ShellRun } from '../support/run-shell.js';
import { testImages } from '../support/test-images.js';

const pipelineHost = pipelineHostFor(testImages('azure-devops-templates'));

interface Template {
  parameters: { name: string; type: string }[];
  steps: { script: string; displayName: string; env?: Record<string, string> }[];
}

/**
 * Runs a template's steps as Azure Pipelines would: `${{ parameters.* }}` expanded at compile
 * time, `$(VAR)` macros replaced by pipeline variables (unknown ones left as written), each
 * script run by bash with the step's `env` over the agent's own variables (`agent`); the job
 * stops at the first failing step. Resolves each step's run.
 */
async function runTemplate(
  file: string,
  parameters: Record<string, string>,
  variables: Record<string, string>,
  agent: Record<string, string> = {},
): Promise<{ displayName: string; run: ShellRun }[]> {
  const template = load(await readFile(new URL(`../../integrations/azure-devops/${file}`, import.meta.url), 'utf8')) as Template;
  const expand = (text: string) =>
    text
      .replace(/\$\{\{ parameters\.(\w+) \}\}/g, (_, name: string) => parameters[name] ?? '')
      .replace(/\$\(([A-Za-z_][\w.]*)\)/g, (macro, name: string) => variables[name] ?? macro);
  const runs: { displayName: string; run: ShellRun }[] = [];
  for (const step of template.steps) {
    const env = Object.fromEntries(Object.entries(step.env ?? {}).map(([name, value]) => [name, expand(value)]));
    const run = await runShell('bash', ['--noprofile', '--norc', '-c'], expand(step.script), { ...agent, ...env });
    runs.push({ displayName: expand(step.displayName), run });
    if (run.code !== 0) break;
  }
  return runs;
}

// Serial: each test deploys on the shared engine (see useDeployHost).

test.serial('rsgo-redeploy.yml redeploys the stack named by its parameter: a new container, the answer in the log', async (t) => {
  const host = await pipelineHost(t);
  const before = await host.containerId();
  const [step, ...more] = await runTemplate('rsgo-redeploy.yml', { stackName: host.stackName }, host.env);
  t.is(more.length, 0);
  t.is(step?.displayName, `Redeploy ${host.stackName}`);
  t.is(step?.run.code, 0, step?.run.stderr);
  t.like(JSON.parse(step?.run.stdout ?? ''), { success: true, message: `Successfully triggered redeploy of '${host.stackName}'.`, deploymentId: host.deploymentId });
  t.regex(step?.run.stderr ?? '', / {2}www: Creating container /);
  t.not(await host.containerId(), before);
});

test.serial('rsgo-sync-upgrade.yml syncs the catalog, then upgrades to the target version', async (t) => {
  const host = await pipelineHost(t);
  const steps = await runTemplate('rsgo-sync-upgrade.yml', { stackName: host.stackName, targetVersion: '2.0.0' }, host.env);
  t.deepEqual(steps.map((step) => [step.displayName, step.run.code]), [
    ['Sync Catalog Sources', 0],
    [`Upgrade ${host.stackName} to 2.0.0`, 0],
  ]);
  t.like(JSON.parse(steps[1]?.run.stdout ?? ''), { success: true, message: `Successfully upgraded '${host.stackName}' from 1.0.0 to 2.0.0.` });
  t.is(await host.inContainer('cat /variant'), 'two');
});

test.serial('the templates fail their step on a 401, on a 400 and on a failed upgrade, so the pipeline stops', async (t) => {
  const host = await pipelineHost(t);
  const before = await host.containerId();
  const [refused] = await runTemplate('rsgo-sync-upgrade.yml', { stackName: host.stackName, targetVersion: '2.0.0' }, { ...host.env, RSGO_API_KEY: 'rsgo_wrong' });
  t.not(refused?.run.code, 0);
  t.regex(refused?.run.stdout ?? '', /Invalid or missing API key\./);
  const steps = await runTemplate('rsgo-sync-upgrade.yml', { stackName: 'unknown', targetVersion: '2.0.0' }, host.env);
  t.deepEqual(steps.map((step) => step.run.code === 0), [true, false]);
  const [redeploy] = await runTemplate('rsgo-redeploy.yml', { stackName: 'unknown' }, host.env);
  t.not(redeploy?.run.code, 0);
  t.regex(redeploy?.run.stdout ?? '', /No deployment found for stack 'unknown'/);
  t.is(await host.containerId(), before);
  const failed = await runTemplate('rsgo-sync-upgrade.yml', { stackName: host.stackName, targetVersion: '3.0.0' }, host.env);
  t.deepEqual(failed.map((step) => step.run.code === 0), [true, false]);
  t.regex(failed[1]?.run.stdout ?? '', /Rolled back to 1\.0\.0\./);
  t.is(await host.inContainer('cat /variant'), 'one');
});

test.serial("the templates send the reason parameter, and the build's commit and address", async (t) => {
  const host = await pipelineHost(t);
  const agent = { BUILD_SOURCEVERSION: '0a9b8c7d', SYSTEM_COLLECTIONURI: 'https://dev.azure.com/acme/', SYSTEM_TEAMPROJECT: 'Web Shop', BUILD_BUILDID: '314' };
  const [redeploy] = await runTemplate('rsgo-redeploy.yml', { stackName: host.stackName, reason: `It's "nightly"` }, host.env, agent);
  t.is(redeploy?.run.code, 0, redeploy?.run.stderr);
  const steps = await runTemplate('rsgo-sync-upgrade.yml', { stackName: host.stackName, targetVersion: '2.0.0' }, host.env, agent);
  t.deepEqual(steps.map((step) => step.run.code), [0, 0]);
  const [first, second] = (await hookCallEvents(host)).filter((e) => e['endpoint'] !== 'POST /api/hooks/sync-sources');
  const pipelineUrl = 'https://dev.azure.com/acme/Web%20Shop/_build/results?buildId=314';
  t.like(first, { endpoint: 'POST /api/hooks/redeploy', outcome: 'success', reason: `It's "nightly"`, commit: '0a9b8c7d', pipelineUrl });
  t.like(second, { endpoint: 'POST /api/hooks/upgrade', outcome: 'success', reason: null, commit: '0a9b8c7d', pipelineUrl });
});

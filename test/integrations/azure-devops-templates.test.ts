import test from 'ava';
import { readFile } from 'node:fs/promises';
import { load } from 'js-yaml';
import { hookCallEvents, usePipelineHost } from '../support/pipeline-host.js';
import { succeedingHandlers } from '../support/recording-webhook-handlers.js';
import { runShell, type ShellRun } from '../support/run-shell.js';

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

test('rsgo-redeploy.yml redeploys the stack named by its parameter', async (t) => {
  const host = await usePipelineHost(t, (calls) => succeedingHandlers(calls, ['ams-project']));
  const [step, ...more] = await runTemplate('rsgo-redeploy.yml', { stackName: 'ams-project' }, host.env);
  t.is(more.length, 0);
  t.is(step?.displayName, 'Redeploy ams-project');
  t.is(step?.run.code, 0, step?.run.stderr);
  t.like(JSON.parse(step?.run.stdout ?? ''), { success: true, message: "Successfully triggered redeploy of 'ams-project'." });
  t.deepEqual(host.calls, [{ environmentId: host.environmentId, target: { kind: 'stack', stackName: 'ams-project' }, variables: {} }]);
});

test('rsgo-sync-upgrade.yml syncs the catalog, then upgrades to the target version', async (t) => {
  const host = await usePipelineHost(t, (calls) => succeedingHandlers(calls, ['ams-project']));
  const steps = await runTemplate('rsgo-sync-upgrade.yml', { stackName: 'ams-project', targetVersion: '6.5.0' }, host.env);
  t.deepEqual(steps.map((step) => [step.displayName, step.run.code]), [
    ['Sync Catalog Sources', 0],
    ['Upgrade ams-project to 6.5.0', 0],
  ]);
  t.deepEqual(host.calls, [{ environmentId: host.environmentId, stackName: 'ams-project', targetVersion: '6.5.0', variables: {} }]);
});

test('the templates fail their step on a 401 and on a 400, so the pipeline stops', async (t) => {
  const host = await usePipelineHost(t);
  const [refused] = await runTemplate('rsgo-sync-upgrade.yml', { stackName: 'ams-project', targetVersion: '6.5.0' }, { ...host.env, RSGO_API_KEY: 'rsgo_wrong' });
  t.not(refused?.run.code, 0);
  const steps = await runTemplate('rsgo-sync-upgrade.yml', { stackName: 'unknown', targetVersion: '6.5.0' }, host.env);
  t.deepEqual(steps.map((step) => step.run.code === 0), [true, false]);
  const [redeploy] = await runTemplate('rsgo-redeploy.yml', { stackName: 'unknown' }, host.env);
  t.not(redeploy?.run.code, 0);
});

test("the templates send the reason parameter, and the build's commit and address", async (t) => {
  const host = await usePipelineHost(t, (calls) => succeedingHandlers(calls, ['ams-project']));
  const agent = { BUILD_SOURCEVERSION: '0a9b8c7d', SYSTEM_COLLECTIONURI: 'https://dev.azure.com/acme/', SYSTEM_TEAMPROJECT: 'Web Shop', BUILD_BUILDID: '314' };
  const [redeploy] = await runTemplate('rsgo-redeploy.yml', { stackName: 'ams-project', reason: `It's "nightly"` }, host.env, agent);
  t.is(redeploy?.run.code, 0, redeploy?.run.stderr);
  const steps = await runTemplate('rsgo-sync-upgrade.yml', { stackName: 'ams-project', targetVersion: '6.5.0' }, host.env, agent);
  t.deepEqual(steps.map((step) => step.run.code), [0, 0]);
  const [first, second] = (await hookCallEvents(host)).filter((e) => e['endpoint'] !== 'POST /api/hooks/sync-sources');
  const pipelineUrl = 'https://dev.azure.com/acme/Web%20Shop/_build/results?buildId=314';
  t.like(first, { endpoint: 'POST /api/hooks/redeploy', reason: `It's "nightly"`, commit: '0a9b8c7d', pipelineUrl });
  t.like(second, { endpoint: 'POST /api/hooks/upgrade', reason: null, commit: '0a9b8c7d', pipelineUrl });
});

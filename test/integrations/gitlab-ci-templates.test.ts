import test from 'ava';
import { readFile } from 'node:fs/promises';
import { load } from 'js-yaml';
import { hookCallEvents, pipelineHostFor } from '../support/pipeline-host.js';
import { runShell } from '../support/run-shell.js';
import { testImages } from '../support/test-images.js';

const pipelineHost = pipelineHostFor(testImages('gitlab-ci-templates'));

interface Job {
  extends?: string;
  image?: string;
  variables?: Record<string, string>;
  script?: string[];
}

/**
 * Runs a job template's `script` as a GitLab runner would in the job's image: its `extends`
 * chain resolved, the lines run in order by a POSIX `sh -e` (the image is Alpine, whose shell
 * is not bash), with the job's variables and `variables` (CI/CD variables) in the environment.
 */
async function runJob(name: string, variables: Record<string, string>) {
  const jobs = load(await readFile(new URL('../../integrations/gitlab-ci/rsgo.gitlab-ci.yml', import.meta.url), 'utf8')) as Record<string, Job>;
  const resolve = (jobName: string): Job => {
    const job = jobs[jobName];
    if (!job) throw new Error(`no job ${jobName}`);
    const parent = job.extends === undefined ? {} : resolve(job.extends);
    return { ...parent, ...job, variables: { ...parent.variables, ...job.variables } };
  };
  const job = resolve(name);
  return runShell('sh', ['-e', '-c'], (job.script ?? []).join('\n'), { ...job.variables, ...variables });
}

// Serial: each test deploys on the shared engine (see useDeployHost).

test.serial('.rsgo-redeploy redeploys RSGO_STACK_NAME: a new container, each step and the answer in the job log', async (t) => {
  const host = await pipelineHost(t);
  const before = await host.containerId();
  const run = await runJob('.rsgo-redeploy', { ...host.env, RSGO_STACK_NAME: host.stackName });
  t.is(run.code, 0, run.stderr);
  t.like(JSON.parse(run.stdout), { success: true, message: `Successfully triggered redeploy of '${host.stackName}'.`, deploymentId: host.deploymentId });
  t.regex(run.stderr, / {2}www: Creating container /);
  t.not(await host.containerId(), before);
});

test.serial('.rsgo-sync-upgrade syncs, then upgrades RSGO_STACK_NAME to RSGO_TARGET_VERSION in RSGO_ENVIRONMENT_ID', async (t) => {
  const host = await pipelineHost(t);
  const run = await runJob('.rsgo-sync-upgrade', { ...host.env, RSGO_STACK_NAME: host.stackName, RSGO_TARGET_VERSION: '2.0.0', RSGO_ENVIRONMENT_ID: host.environmentId });
  t.is(run.code, 0, run.stderr);
  t.regex(run.stdout, /"message":"Synced 1 source\(s\), loaded 3 stack\(s\)\."/);
  t.regex(run.stdout, new RegExp(`"message":"Successfully upgraded '${host.stackName}' from 1\\.0\\.0 to 2\\.0\\.0\\."`));
  t.is(await host.inContainer('cat /variant'), 'two');
});

test.serial('the jobs fail on a 401, on a 400 and on a failed upgrade, printing the host message', async (t) => {
  const host = await pipelineHost(t);
  const before = await host.containerId();
  const refused = await runJob('.rsgo-redeploy', { ...host.env, RSGO_API_KEY: 'rsgo_wrong', RSGO_STACK_NAME: host.stackName });
  t.not(refused.code, 0);
  t.regex(refused.stdout, /Invalid or missing API key\./);
  const missing = await runJob('.rsgo-sync-upgrade', { ...host.env, RSGO_STACK_NAME: 'unknown', RSGO_TARGET_VERSION: '2.0.0' });
  t.not(missing.code, 0);
  t.regex(missing.stdout, /No deployment found for stack 'unknown'/);
  t.is(await host.containerId(), before);
  const failed = await runJob('.rsgo-sync-upgrade', { ...host.env, RSGO_STACK_NAME: host.stackName, RSGO_TARGET_VERSION: '3.0.0' });
  t.not(failed.code, 0);
  t.regex(failed.stdout, /Rolled back to 1\.0\.0\./);
  t.is(await host.inContainer('cat /variant'), 'one');
});

test.serial("the jobs send RSGO_REASON, and the job's commit and pipeline address unless RSGO_COMMIT or RSGO_PIPELINE_URL are set", async (t) => {
  const host = await pipelineHost(t);
  const ci = { CI_COMMIT_SHA: 'd4e5f6a7', CI_PIPELINE_URL: 'https://gitlab.example.com/acme/shop/-/pipelines/88' };
  const redeploy = await runJob('.rsgo-redeploy', { ...host.env, ...ci, RSGO_STACK_NAME: host.stackName, RSGO_REASON: 'Nightly refresh' });
  t.is(redeploy.code, 0, redeploy.stderr);
  const upgrade = await runJob('.rsgo-sync-upgrade', { ...host.env, ...ci, RSGO_STACK_NAME: host.stackName, RSGO_TARGET_VERSION: '2.0.0', RSGO_COMMIT: 'v2.0.0' });
  t.is(upgrade.code, 0, upgrade.stderr);
  const [first, second] = (await hookCallEvents(host)).filter((e) => e['endpoint'] !== 'POST /api/hooks/sync-sources');
  t.like(first, { endpoint: 'POST /api/hooks/redeploy', outcome: 'success', reason: 'Nightly refresh', ...{ commit: ci.CI_COMMIT_SHA, pipelineUrl: ci.CI_PIPELINE_URL } });
  t.like(second, { endpoint: 'POST /api/hooks/upgrade', outcome: 'success', reason: null, commit: 'v2.0.0', pipelineUrl: ci.CI_PIPELINE_URL });
});

import test from 'ava';
import { ciIntent } from '../../cli/intent-options.js';
import { hookCallEvents, pipelineHostFor } from '../support/pipeline-host.js';
import { runCli } from '../support/run-cli.js';
import { testImages } from '../support/test-images.js';

const pipelineHost = pipelineHostFor(testImages('hook-intent'));

/** Every CI variable `rsgo hook` reads, blank: the runs below must not see the machine's own. */
const noCi = Object.fromEntries(
  ['GITHUB_SHA', 'GITHUB_SERVER_URL', 'GITHUB_REPOSITORY', 'GITHUB_RUN_ID', 'CI_COMMIT_SHA', 'CI_PIPELINE_URL', 'BUILD_SOURCEVERSION', 'SYSTEM_COLLECTIONURI', 'SYSTEM_TEAMPROJECT', 'BUILD_BUILDID'].map(
    (name) => [name, ''],
  ),
);

test('the commit and pipeline run come from GitHub Actions, GitLab CI and Azure Pipelines variables', (t) => {
  t.deepEqual(ciIntent({ GITHUB_SHA: 'a1b2c3', GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/shop', GITHUB_RUN_ID: '9001' }), {
    commit: 'a1b2c3',
    pipelineUrl: 'https://github.com/acme/shop/actions/runs/9001',
  });
  t.deepEqual(ciIntent({ CI_COMMIT_SHA: 'd4e5f6', CI_PIPELINE_URL: 'https://gitlab.example.com/acme/shop/-/pipelines/77' }), {
    commit: 'd4e5f6',
    pipelineUrl: 'https://gitlab.example.com/acme/shop/-/pipelines/77',
  });
  t.deepEqual(ciIntent({ BUILD_SOURCEVERSION: '0a9b8c', SYSTEM_COLLECTIONURI: 'https://dev.azure.com/acme/', SYSTEM_TEAMPROJECT: 'Web Shop', BUILD_BUILDID: '314' }), {
    commit: '0a9b8c',
    pipelineUrl: 'https://dev.azure.com/acme/Web%20Shop/_build/results?buildId=314',
  });
  // A partial set gives what it can; outside CI, nothing.
  t.deepEqual(ciIntent({ GITHUB_SHA: 'a1b2c3' }), { commit: 'a1b2c3' });
  t.deepEqual(ciIntent({ ...noCi, PATH: '/usr/bin' }), {});
});

test.serial('rsgo hook sends --reason, --commit and --pipeline-url, else the CI system\'s commit and run; the deployment\'s history keeps them', async (t) => {
  const host = await pipelineHost(t);
  const { stackName } = host;
  const github = { GITHUB_SHA: 'a1b2c3', GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/shop', GITHUB_RUN_ID: '9001' };
  const inGithub = await runCli(['hook', 'redeploy', '--stack', stackName, '--reason', 'Nightly refresh'], { env: { ...host.env, ...noCi, ...github } });
  t.is(inGithub.code, 0, inGithub.stderr);
  const given = await runCli(
    ['hook', 'upgrade', '--stack', stackName, '--version', '2.0.0', '--commit', 'v2.0.0', '--pipeline-url', 'https://ci.example.com/runs/5'],
    { env: { ...host.env, ...noCi, CI_COMMIT_SHA: 'd4e5f6', CI_PIPELINE_URL: 'https://gitlab.example.com/acme/shop/-/pipelines/77' } },
  );
  t.is(given.code, 0, given.stderr);
  const outside = await runCli(['hook', 'redeploy', '--stack', stackName], { env: { ...host.env, ...noCi } });
  t.is(outside.code, 0, outside.stderr);
  const rejected = await runCli(['hook', 'redeploy', '--stack', stackName, '--pipeline-url', 'ci/runs/5'], { env: { ...host.env, ...noCi } });
  t.is(rejected.code, 1);
  t.regex(rejected.stderr, /Field 'pipelineUrl' must be an http or https URL\./);

  const [first, second, third] = await hookCallEvents(host);
  t.like(first, { outcome: 'success', reason: 'Nightly refresh', commit: 'a1b2c3', pipelineUrl: 'https://github.com/acme/shop/actions/runs/9001' });
  t.like(second, { outcome: 'success', reason: null, commit: 'v2.0.0', pipelineUrl: 'https://ci.example.com/runs/5' });
  t.like(third, { outcome: 'success', reason: null, commit: null, pipelineUrl: null });
  const deployment = (await host.host.admin('GET', `/api/deployments/${host.deploymentId}`)).body['deployment'] as { history: Array<Record<string, unknown>> };
  t.like(deployment.history.slice(-3), [
    { operation: 'redeploy', outcome: 'Succeeded', reason: 'Nightly refresh', commit: 'a1b2c3' },
    { operation: 'upgrade', outcome: 'Succeeded', commit: 'v2.0.0', pipelineUrl: 'https://ci.example.com/runs/5' },
    { operation: 'redeploy', outcome: 'Succeeded', commit: null },
  ]);
});

import test from 'ava';
import { docker } from '../../support/docker-cli.js';
import { testImages } from '../../support/test-images.js';
import { idle, testPlan, type TestPlanInput } from '../../support/test-plan.js';
import { startDockerRuntime } from './docker-runtime-fixture.js';

const images = testImages('docker-runtime-redeploy');

/** One service `app` running `image`; the same deployment and stack for every call with the same `base`. */
function appPlan(base: Pick<TestPlanInput, 'stackName' | 'deploymentId'>, image: string, operation: 'deploy' | 'redeploy' = 'deploy') {
  return testPlan({ ...base, operation, services: { app: { image, command: idle() } } });
}

/** The state of a container: `<id> <status>`. */
async function containerState(name: string): Promise<string> {
  return docker('container', 'inspect', '--format', '{{.Id}} {{.State.Status}}', name);
}

test('redeploy pulls the new image pushed under the same tag: new container, same name', async (t) => {
  const runtime = await startDockerRuntime(t);
  const before = await images.push('app', { tag: 'stable', variant: 'release-1' });
  const plan = appPlan({}, before.ref);
  const first = await runtime.carryOut(plan);

  const after = await images.push('app', { tag: 'stable', variant: 'release-2' });
  const second = await runtime.carryOut({ ...plan, operation: 'redeploy' });

  t.not(after.id, before.id);
  t.is(first.services[0]?.imageId, before.id);
  t.is(second.services[0]?.imageId, after.id);
  t.is(second.services[0]?.image, before.ref);
  t.not(second.services[0]?.containerId, first.services[0]?.containerId);
  t.is(second.services[0]?.containerName, first.services[0]?.containerName);
  t.is(await docker('exec', `${plan.stackName}_app`, 'cat', '/variant'), 'release-2');
});

test('a tag missing from the registry fails the redeploy before anything is stopped', async (t) => {
  const runtime = await startDockerRuntime(t);
  const image = await images.push('app');
  const plan = appPlan({}, image.ref);
  await runtime.carryOut(plan);
  const running = await containerState(`${plan.stackName}_app`);
  const missing = images.unpushed('app');

  const error = await t.throwsAsync(runtime.run(appPlan(plan, missing, 'redeploy')));

  t.is(error?.name, 'DeploymentFailedError');
  t.true(error?.message.startsWith(`Could not pull image '${missing}' for service 'app': `));
  t.regex(error?.message ?? '', /not found|unknown/i);
  t.is(await containerState(`${plan.stackName}_app`), running);
  t.false(runtime.progress.some((p) => p.step === 'stop' || p.step === 'remove'));
});

test('a registry that is not there fails the redeploy before anything is stopped', async (t) => {
  const runtime = await startDockerRuntime(t);
  const image = await images.push('app');
  const plan = appPlan({}, image.ref);
  await runtime.carryOut(plan);
  const running = await containerState(`${plan.stackName}_app`);

  const error = await t.throwsAsync(runtime.run(appPlan(plan, '127.0.0.1:5999/rsgo-test/absent:1', 'redeploy')));

  t.regex(error?.message ?? '', /^Could not pull image '127\.0\.0\.1:5999\/rsgo-test\/absent:1' for service 'app': .*connection refused/);
  t.is(await containerState(`${plan.stackName}_app`), running);
});

test('every failing pull is named; the images that did pull change nothing either', async (t) => {
  const runtime = await startDockerRuntime(t);
  const image = await images.push('app');
  const missing = images.unpushed('worker');
  const plan = testPlan({
    services: {
      app: { image: image.ref, command: idle() },
      worker: { image: missing, command: idle() },
      cron: { image: missing, command: idle() },
    },
  });

  await t.throwsAsync(runtime.run(plan), { message: new RegExp(`^Could not pull image '${missing}' for service 'worker', 'cron': `) });
  t.is(await docker('container', 'ls', '--all', '--quiet', '--filter', `label=rsgo.deployment=${plan.deploymentId}`), '');
});

test('pull: if-missing runs the image the engine already has', async (t) => {
  const runtime = await startDockerRuntime(t, { pull: 'if-missing' });
  const image = await images.push('app', { tag: 'cached' });
  const plan = appPlan({}, image.ref);

  await runtime.carryOut(plan);
  await runtime.carryOut({ ...plan, operation: 'redeploy' });

  const pulls = runtime.progress.filter((p) => p.step === 'pull').map((p) => p.message);
  t.is(pulls.filter((m) => m.startsWith('Pulling ')).length, 1);
  t.true(runtime.progress.some((p) => p.step === 'pulled' && p.message.includes('not pulled (pull: if-missing)')));
});

test('registry credentials are offered to the engine and never logged', async (t) => {
  const password = 'pa55-never-in-a-log';
  const runtime = await startDockerRuntime(t, { registries: [{ host: '127.0.0.1:5000', username: 'ci', password }] });
  const image = await images.push('app');

  // The test registry accepts any credentials: the deploy works with them attached.
  await runtime.carryOut(appPlan({}, image.ref));

  t.true(runtime.harness.logLines.length > 0);
  t.false(runtime.harness.logLines.some((line) => line.includes(password)));
});

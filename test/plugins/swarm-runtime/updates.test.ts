import test, { type ExecutionContext } from 'ava';
import type { DeployPlan, PlannedService, SwarmFields } from '../../../core/plugin-api.js';
import { docker } from '../../support/docker-cli.js';
import { registryDigest } from '../../support/registry-digest.js';
import { inspectService, runningContainers, serviceTasks } from '../../support/swarm-cleanup.js';
import { testImages } from '../../support/test-images.js';
import type { RuntimeFixture } from '../../support/runtime-fixture.js';
import { idle, type TestPlanInput } from '../../support/test-plan.js';
import { startSwarmRuntime, swarmPlan } from './swarm-runtime-fixture.js';

const images = testImages('swarm-runtime-updates');

const twoReplicas = (order: 'start-first' | 'stop-first'): SwarmFields => ({
  replicas: 2,
  placementConstraints: [],
  update: { order, parallelism: 1, delayMs: 0, failureAction: 'rollback' },
  limits: { nanoCpus: null, memoryBytes: null },
  endpointMode: 'vip',
});

/** One service `app` with 2 replicas running `image`; the same deployment for every call with the same `base`. */
function appPlan(base: Pick<TestPlanInput, 'stackName' | 'deploymentId'>, image: string, operation: DeployPlan['operation'] = 'deploy', extra: Partial<PlannedService> = {}): DeployPlan {
  return swarmPlan({ ...base, operation, services: { app: { image, command: idle(), swarm: twoReplicas('start-first'), ...extra } } });
}

/** What `/variant` holds in each running task of the service. */
async function variants(service: string): Promise<string[]> {
  return Promise.all((await runningContainers(service)).map((id) => docker('exec', id, 'cat', '/variant')));
}

test('redeploy runs the new image pushed under the same tag, pinned to its new digest, starting each new task before stopping an old one', async (t) => {
  const runtime = await startSwarmRuntime(t);
  const before = await images.push('app', { tag: 'stable', variant: 'release-1' });
  const plan = appPlan({}, before.ref);
  await runtime.carryOut(plan);
  const name = `${plan.stackName}_app`;
  const firstTasks = await runningContainers(name);
  t.deepEqual(await variants(name), ['release-1', 'release-1']);

  await images.push('app', { tag: 'stable', variant: 'release-2' });
  const result = await runtime.carryOut({ ...plan, operation: 'redeploy' });

  const digest = await registryDigest(before.ref);
  t.is((await inspectService(name)).Spec.TaskTemplate.ContainerSpec.Image, `${before.ref}@${digest}`);
  t.like(result.services[0], { image: `${before.ref}@${digest}`, replicas: { running: 2, desired: 2 }, status: 'running' });
  t.deepEqual(await variants(name), ['release-2', 'release-2']);
  t.deepEqual((await runningContainers(name)).filter((id) => firstTasks.includes(id)), []);
  // start-first: in each slot the new task was created before the old one had shut down.
  const tasks = await serviceTasks(name);
  for (const slot of [1, 2]) {
    const inSlot = tasks.filter((task) => task.Slot === slot);
    const current = inSlot.find((task) => task.DesiredState === 'running');
    const replaced = inSlot.find((task) => task.DesiredState === 'shutdown' && task.Status.State === 'shutdown');
    t.truthy(current && replaced, `slot ${slot}`);
    if (current && replaced) t.true(Date.parse(current.CreatedAt) < Date.parse(replaced.Status.Timestamp), `slot ${slot}`);
  }
  t.true(runtime.progress.some((p) => p.service === 'app' && p.step === 'healthy'));
});

/** The app deployed from a freshly pushed image: its plan, its service's name and the containers it runs. */
async function deployedApp(runtime: RuntimeFixture, imageName: string): Promise<{ plan: DeployPlan; name: string; first: string[] }> {
  const image = await images.push(imageName);
  const plan = appPlan({}, image.ref);
  await runtime.carryOut(plan);
  const name = `${plan.stackName}_app`;
  return { plan, name, first: await runningContainers(name) };
}

/** Both tasks of the service were replaced: none of `first` runs any more. */
async function assertReplaced(t: ExecutionContext, name: string, first: readonly string[]): Promise<void> {
  const fresh = await runningContainers(name);
  t.is(fresh.length, 2);
  t.deepEqual(fresh.filter((id) => first.includes(id)), []);
}

test('a redeploy replaces the tasks even when the digest did not change; a deploy of the same plan leaves them alone', async (t) => {
  const runtime = await startSwarmRuntime(t);
  const { plan, name, first } = await deployedApp(runtime, 'unchanged');

  await runtime.carryOut(plan);
  t.deepEqual((await runningContainers(name)).sort(), [...first].sort());

  await runtime.carryOut({ ...plan, operation: 'redeploy' });
  await assertReplaced(t, name, first);
});

test('an update Swarm completed counts as settled: its monitor period watched the new tasks, so no settle period is added on top', async (t) => {
  const { plan, name, first } = await deployedApp(await startSwarmRuntime(t), 'monitored');

  // A settle period far beyond the convergence limit: only Swarm's completed update can end the wait.
  const patient = await startSwarmRuntime(t, { settleSeconds: 600, convergeTimeoutSeconds: 60 });
  const result = await patient.carryOut({ ...plan, operation: 'redeploy' });
  t.like(result.services[0], { replicas: { running: 2, desired: 2 }, status: 'running' });
  t.like((await inspectService(name)).UpdateStatus, { State: 'completed' });
  await assertReplaced(t, name, first);
});

test('an update whose tasks never get healthy is rolled back by Swarm: the deploy fails saying so and the old version keeps running', async (t) => {
  const runtime = await startSwarmRuntime(t);
  const good = await images.push('app', { tag: 'good', variant: 'good' });
  const bad = await images.push('app', { tag: 'bad', variant: 'bad' });
  const plan = appPlan({}, good.ref);
  await runtime.carryOut(plan);
  const name = `${plan.stackName}_app`;
  const running = await runningContainers(name);

  const failingCheck = { type: 'docker' as const, test: ['CMD', 'false'], intervalMs: 1000, timeoutMs: 1000, retries: 1, startPeriodMs: 0 };
  const broken = appPlan(plan, bad.ref, 'upgrade', { healthCheck: failingCheck });
  const error = await t.throwsAsync(runtime.run(broken));

  // The host's upgrade reads this class as "the old version runs again" and answers so.
  t.is(error?.name, 'RolledBackError');
  t.regex(error?.message ?? '', new RegExp(`^Swarm rolled back the update of service '${name}': .+\\.$`));
  const service = await inspectService(name);
  t.is(service.Spec.TaskTemplate.ContainerSpec.Image, `${good.ref}@${await registryDigest(good.ref)}`);
  t.is(service.UpdateStatus?.State, 'rollback_completed');
  t.deepEqual(await variants(name), ['good', 'good']);
  // start-first: a new task must be running (here: healthy) before an old one stops, so none did.
  t.deepEqual((await runningContainers(name)).sort(), [...running].sort());
  t.true(runtime.progress.some((p) => p.service === 'app' && p.step === 'rollback'));
  t.like(await runtime.inspect(plan), [{ status: 'running', replicas: { running: 2, desired: 2 } }]);
});

test('an upgrade rolls out the new spec (image, environment, version labels) and removes services that left the plan', async (t) => {
  const runtime = await startSwarmRuntime(t);
  const v1 = await images.push('app', { tag: '1', variant: 'v1' });
  const v2 = await images.push('app', { tag: '2', variant: 'v2' });
  const first = swarmPlan({ services: { app: { image: v1.ref, command: idle() }, extra: { image: v1.ref, command: idle() } } });
  await runtime.carryOut(first);

  const upgrade = swarmPlan({
    stackName: first.stackName,
    deploymentId: first.deploymentId,
    operation: 'upgrade',
    version: '2.0.0',
    services: { app: { image: v2.ref, command: idle(), environment: { MODE: 'two' }, swarm: twoReplicas('stop-first') } },
  });
  const result = await runtime.carryOut(upgrade);

  const name = `${first.stackName}_app`;
  t.deepEqual(await variants(name), ['v2', 'v2']);
  const service = await inspectService(name);
  t.is(service.Spec.Labels['rsgo.version'], '2.0.0');
  t.is(service.Spec.TaskTemplate.ContainerSpec.Labels?.['rsgo.version'], '2.0.0');
  t.is(await docker('service', 'ls', '--quiet', '--filter', `name=${first.stackName}_extra`), '');
  t.deepEqual(result.services.map((s) => s.serviceName), ['app']);
  for (const id of await runningContainers(name)) t.true((await docker('exec', id, 'env')).includes('MODE=two'));
});

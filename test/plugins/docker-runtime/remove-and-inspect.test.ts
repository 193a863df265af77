import test from 'ava';
import { docker } from '../../support/docker-cli.js';
import { testImages } from '../../support/test-images.js';
import { idle, testPlan } from '../../support/test-plan.js';
import { startDockerRuntime } from './docker-runtime-fixture.js';

const images = testImages('docker-runtime-remove');

/** A stack with a service on its own network, using its own named volume. */
function stackPlan(image: string) {
  const plan = testPlan({ volumes: ['data'], services: { app: { image, command: idle() } } });
  const mount = { type: 'volume', source: `${plan.stackName}_data`, target: '/data', readOnly: false } as const;
  return { ...plan, services: plan.services.map((s) => ({ ...s, mounts: [mount] })) };
}

async function names(kind: 'container' | 'network' | 'volume', deploymentId: string): Promise<string[]> {
  const format = kind === 'container' ? '{{.Names}}' : '{{.Name}}';
  const listed = await docker(kind, 'ls', ...(kind === 'container' ? ['--all'] : []), '--format', format, '--filter', `label=rsgo.deployment=${deploymentId}`);
  return listed.split('\n').filter(Boolean).sort();
}

test('remove deletes exactly the deployment: its containers and network, its volume only when asked', async (t) => {
  const runtime = await startDockerRuntime(t);
  const image = await images.push('app');
  const doomed = stackPlan(image.ref);
  const neighbour = stackPlan(image.ref);
  await runtime.carryOut(doomed);
  const other = await runtime.carryOut(neighbour);

  const removed = await runtime.carryOut({ ...doomed, operation: 'remove', services: [], removeVolumes: false });

  t.deepEqual(removed.services, []);
  t.deepEqual(await names('container', doomed.deploymentId), []);
  t.deepEqual(await names('network', doomed.deploymentId), []);
  t.deepEqual(await names('volume', doomed.deploymentId), [`${doomed.stackName}_data`]);
  t.is(await docker('container', 'inspect', '--format', '{{.Id}} {{.State.Status}}', `${neighbour.stackName}_app`), `${other.services[0]?.containerId} running`);

  await runtime.carryOut({ ...doomed, operation: 'remove', services: [], removeVolumes: true });

  t.deepEqual(await names('volume', doomed.deploymentId), []);
  t.deepEqual(await names('volume', neighbour.deploymentId), [`${neighbour.stackName}_data`]);
  t.deepEqual(await names('network', neighbour.deploymentId), [`${neighbour.stackName}_default`]);
});

test('inspect reports the deployment containers and changes nothing', async (t) => {
  const runtime = await startDockerRuntime(t);
  const image = await images.push('app');
  const plan = stackPlan(image.ref);
  const deployed = await runtime.carryOut(plan);
  const progressBefore = runtime.progress.length;

  const inspected = await runtime.inspect(plan);

  t.deepEqual(inspected, deployed.services);
  t.is(runtime.progress.length, progressBefore);
  t.deepEqual(await names('container', plan.deploymentId), [`${plan.stackName}_app`]);
});

test('inspect of a deployment without containers reports none', async (t) => {
  const runtime = await startDockerRuntime(t);

  const inspected = await runtime.inspect(testPlan());

  t.deepEqual(inspected, []);
});

test('external networks are created once, shared, and never removed with a stack', async (t) => {
  const runtime = await startDockerRuntime(t);
  const image = await images.push('app');
  const shared = `rt-shared-${Math.random().toString(36).slice(2, 10)}`;
  t.teardown(() => docker('network', 'rm', shared).catch(() => undefined));
  const first = testPlan({ networks: [{ name: shared, external: true }], services: { app: { image: image.ref, command: idle() } } });
  const second = testPlan({ networks: [{ name: shared, external: true }], services: { app: { image: image.ref, command: idle() } } });

  await runtime.carryOut(first);
  await runtime.carryOut(second);
  await runtime.carryOut({ ...first, operation: 'remove', services: [] });

  const labels = JSON.parse(await docker('network', 'inspect', '--format', '{{json .Labels}}', shared)) as Record<string, string>;
  t.is(labels['rsgo.deployment'], undefined);
  const attached = await docker('network', 'inspect', '--format', '{{range .Containers}}{{.Name}} {{end}}', shared);
  t.is(attached.trim(), `${second.stackName}_app`);
});

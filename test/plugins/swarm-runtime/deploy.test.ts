import test from 'ava';
import { docker, dockerInspect } from '../../support/docker-cli.js';
import { REGISTRY_LOGIN, startPrivateRegistry } from '../../support/private-registry.js';
import { registryDigest } from '../../support/registry-digest.js';
import { inspectService, serviceTasks } from '../../support/swarm-cleanup.js';
import { testImages } from '../../support/test-images.js';
import { idle } from '../../support/test-plan.js';
import { startSwarmRuntime, swarmPlan } from './swarm-runtime-fixture.js';

const images = testImages('swarm-runtime-deploy');

/** A web server on port 8080 serving /www, for an http health check. */
const serveWww = ['sh', '-c', "trap 'exit 0' TERM; httpd -f -p 8080 -h /www & wait"];

test('a stack becomes Swarm services: replicas, every field, rsgo labels on services and tasks, an overlay network, the image pinned to its digest', async (t) => {
  const runtime = await startSwarmRuntime(t);
  const image = await images.push('web');
  const plan = swarmPlan({
    services: {
      web: {
        image: image.ref,
        command: serveWww,
        environment: { GREETING: 'hello' },
        labels: { 'com.example.team': 'web' },
        healthCheck: { type: 'http', port: 8080, path: '/index.html', intervalMs: 1000, timeoutMs: 1000, retries: 3, startPeriodMs: 0 },
        swarm: {
          replicas: 2,
          placementConstraints: ['node.role == manager'],
          update: { order: 'start-first', parallelism: 2, delayMs: 1000, failureAction: 'rollback' },
          limits: { nanoCpus: 500_000_000, memoryBytes: 64 * 1024 * 1024 },
          endpointMode: 'dnsrr',
        },
      },
    },
  });

  const result = await runtime.carryOut(plan);

  const name = `${plan.stackName}_web`;
  const digest = await registryDigest(image.ref);
  const service = await inspectService(name);
  t.is(service.Spec.TaskTemplate.ContainerSpec.Image, `${image.ref}@${digest}`);
  t.is(service.Spec.Mode.Replicated?.Replicas, 2);
  t.deepEqual(service.Spec.TaskTemplate.Placement?.Constraints, ['node.role == manager']);
  t.deepEqual(service.Spec.TaskTemplate.Resources?.Limits, { NanoCPUs: 500_000_000, MemoryBytes: 64 * 1024 * 1024 });
  t.like(service.Spec.UpdateConfig, { Order: 'start-first', Parallelism: 2, FailureAction: 'rollback' });
  t.is(service.Spec.EndpointSpec?.Mode, 'dnsrr');
  t.like(service.Spec.Labels, { 'rsgo.deployment': plan.deploymentId, 'rsgo.service': 'web', 'rsgo.stack': plan.stackName, 'com.example.team': 'web' });

  const containers = (await docker('container', 'ls', '--quiet', '--filter', `label=rsgo.deployment=${plan.deploymentId}`)).split('\n').filter(Boolean);
  t.is(containers.length, 2);
  for (const id of containers) {
    const container = await dockerInspect<{ Config: { Labels: Record<string, string>; Env: string[] }; State: { Health?: { Status: string } } }>('container', id);
    t.like(container.Config.Labels, { 'rsgo.deployment': plan.deploymentId, 'rsgo.service': 'web', 'rsgo.version': '1.0.0' });
    t.true(container.Config.Env.includes('GREETING=hello'));
    // Swarm counts a task as running only once its check passed.
    t.is(container.State.Health?.Status, 'healthy');
  }
  const network = await dockerInspect<{ Driver: string; Attachable: boolean; Scope: string; Labels: Record<string, string> }>('network', `${plan.stackName}_default`);
  t.like(network, { Driver: 'overlay', Attachable: true, Scope: 'swarm' });
  t.is(network.Labels['rsgo.deployment'], plan.deploymentId);

  t.is(result.services.length, 1);
  t.like(result.services[0], {
    serviceName: 'web',
    serviceId: service.ID,
    containerId: service.ID,
    containerName: name,
    image: `${image.ref}@${digest}`,
    imageId: digest,
    status: 'running',
    health: 'healthy',
    replicas: { running: 2, desired: 2 },
  });
  t.deepEqual(await runtime.inspect(plan), result.services);
});

test('a placement constraint that no node meets fails the deploy with Swarm\'s reason; one that matches runs', async (t) => {
  const runtime = await startSwarmRuntime(t);
  const image = await images.push('app');
  const placed = (constraint: string, stackName?: string) =>
    swarmPlan({
      ...(stackName ? { stackName } : {}),
      services: {
        app: {
          image: image.ref,
          command: idle(),
          swarm: { replicas: 1, placementConstraints: [constraint], update: { order: 'stop-first', parallelism: 1, delayMs: 0, failureAction: 'rollback' }, limits: { nanoCpus: null, memoryBytes: null }, endpointMode: 'vip' },
        },
      },
    });

  const matching = await runtime.carryOut(placed('node.role == manager'));
  t.like(matching.services[0], { status: 'running', replicas: { running: 1, desired: 1 } });

  const nowhere = placed('node.labels.rsgo-zone == nowhere');
  const error = await t.throwsAsync(runtime.run(nowhere));
  t.is(error?.name, 'DeploymentFailedError');
  t.regex(error?.message ?? '', new RegExp(`^Service '${nowhere.stackName}_app' cannot be placed: no suitable node \\(scheduling constraints not satisfied`));
  // The new service is kept, scaled to zero, so Swarm stops trying.
  t.like(await runtime.inspect(nowhere), [{ status: 'stopped', replicas: { running: 0, desired: 0 } }]);
});

test('a task of a new service that fails fails the deploy with its last log lines', async (t) => {
  const runtime = await startSwarmRuntime(t);
  const image = await images.push('app');
  const plan = swarmPlan({ services: { app: { image: image.ref, command: ['sh', '-c', 'echo the database is not there >&2; exit 3'] } } });

  const error = await t.throwsAsync(runtime.run(plan));

  t.is(error?.name, 'DeploymentFailedError');
  t.regex(error?.message ?? '', new RegExp(`^Service '${plan.stackName}_app': task ${plan.stackName}_app\\.1 failed \\(task: non-zero exit \\(3\\)\\)`));
  t.regex(error?.message ?? '', /the database is not there/);
  t.true(runtime.progress.some((p) => p.service === 'app' && p.step === 'failed'));
});

test('remove deletes the services and the stack network; named volumes stay unless asked', async (t) => {
  const runtime = await startSwarmRuntime(t);
  const image = await images.push('app');
  const plan = swarmPlan({
    volumes: ['data'],
    services: { app: { image: image.ref, command: idle('echo kept > /data/file'), mounts: [] } },
  });
  const withVolume = {
    ...plan,
    services: plan.services.map((s) => ({ ...s, mounts: [{ type: 'volume' as const, source: `${plan.stackName}_data`, target: '/data', readOnly: false }] })),
  };
  await runtime.carryOut(withVolume);
  t.is((await serviceTasks(`${plan.stackName}_app`)).length, 1);

  const removed = await runtime.carryOut({ ...plan, operation: 'remove', services: [] });

  t.deepEqual(removed.services, []);
  t.is(await docker('service', 'ls', '--quiet', '--filter', `label=rsgo.deployment=${plan.deploymentId}`), '');
  t.is(await docker('network', 'ls', '--quiet', '--filter', `name=^${plan.stackName}_default$`), '');
  t.is(await docker('volume', 'ls', '--quiet', '--filter', `name=^${plan.stackName}_data$`), `${plan.stackName}_data`);

  await runtime.carryOut({ ...plan, operation: 'remove', services: [], removeVolumes: true });
  t.is(await docker('volume', 'ls', '--quiet', '--filter', `name=^${plan.stackName}_data$`), '');
});

test('registry credentials resolve the digest and go with the service, so the node pulls from a registry that wants a login', async (t) => {
  const registry = await startPrivateRegistry(t, { withLogin: true });
  const ref = await registry.copy(await images.push('private'), 'private/app');
  const plan = swarmPlan({ services: { app: { image: ref, command: idle() } } });

  const anonymous = await startSwarmRuntime(t);
  const refused = await t.throwsAsync(anonymous.run(plan));
  t.regex(refused?.message ?? '', new RegExp(`^Could not resolve image '${ref}' for service 'app': `));
  t.is(await docker('service', 'ls', '--quiet', '--filter', `name=${plan.stackName}_app`), '');

  const registries = [{ host: registry.host, username: REGISTRY_LOGIN.username, password: REGISTRY_LOGIN.password }];
  const result = await (await startSwarmRuntime(t, { registries })).carryOut(plan);
  t.like(result.services[0], { status: 'running', replicas: { running: 1, desired: 1 } });
  t.regex(result.services[0]?.image ?? '', new RegExp(`^${ref.replaceAll('.', '\\.')}@sha256:[0-9a-f]{64}$`));
});

test("the operation's deadline ends a deploy waiting for convergence; the new service is scaled to zero", async (t) => {
  const runtime = await startSwarmRuntime(t);
  const image = await images.push('app');
  const neverHealthy = { type: 'docker' as const, test: ['CMD', 'false'], intervalMs: 1000, timeoutMs: 1000, retries: 1000, startPeriodMs: 0 };
  const plan = swarmPlan({ services: { app: { image: image.ref, command: idle(), healthCheck: neverHealthy } } });
  const deadline = new AbortController();

  const error = await t.throwsAsync(
    runtime.run(plan, {
      signal: deadline.signal,
      onProgress: (event) => {
        if (event.step === 'start') deadline.abort(new Error('deadline of the test passed'));
      },
    }),
  );

  t.is(error?.name, 'DeploymentFailedError');
  t.regex(error?.message ?? '', new RegExp(`^Service '${plan.stackName}_app' did not converge \\(last: .+\\): the deploy was aborted \\(deadline of the test passed\\)\\.$`));
  t.like(await runtime.inspect(plan), [{ status: 'stopped', replicas: { desired: 0 } }]);
});

test('init services run as Swarm jobs to completion before the services roll out; a failing one fails the deploy with its log lines', async (t) => {
  const runtime = await startSwarmRuntime(t);
  const image = await images.push('app');
  const withInit = (script: string) =>
    swarmPlan({
      services: {
        migrate: { image: image.ref, lifecycle: 'init', restart: 'no', command: ['sh', '-c', script] },
        app: { image: image.ref, command: idle(), dependsOn: ['migrate'] },
      },
    });

  const plan = withInit('echo migrated');
  const result = await runtime.carryOut(plan);
  const job = await serviceTasks(`${plan.stackName}_migrate`);
  t.deepEqual(job.map((task) => task.Status.State), ['complete']);
  t.like(result.services.find((s) => s.serviceName === 'app'), { status: 'running', replicas: { running: 1, desired: 1 } });
  t.like(result.services.find((s) => s.serviceName === 'migrate'), { lifecycle: 'init', status: 'exited' });
  const init = runtime.progress.findIndex((p) => p.service === 'migrate' && p.message.endsWith('completed'));
  const created = runtime.progress.findIndex((p) => p.service === 'app' && p.step === 'create');
  t.true(init >= 0 && init < created);

  const failing = withInit('echo schema too new >&2; exit 4');
  const error = await t.throwsAsync(runtime.run(failing));
  t.is(error?.name, 'DeploymentFailedError');
  t.regex(error?.message ?? '', new RegExp(`^Init job '${failing.stackName}_migrate' failed: task: non-zero exit \\(4\\)\\. Last log lines:\\n  schema too new$`));
  t.is(await docker('service', 'ls', '--quiet', '--filter', `name=${failing.stackName}_app`), '');
});

import test from 'ava';
import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { docker, dockerInspect } from '../../support/docker-cli.js';
import { freePort } from '../../support/free-port.js';
import { testImages } from '../../support/test-images.js';
import { idle, testPlan, uniqueStackName } from '../../support/test-plan.js';
import { startDockerRuntime } from './docker-runtime-fixture.js';

const images = testImages('docker-runtime-deploy');

interface ContainerInspect {
  Id: string;
  Config: { Image: string; Env: string[]; Cmd: string[]; Entrypoint: string[]; WorkingDir: string; User: string; Labels: Record<string, string> };
  HostConfig: {
    RestartPolicy: { Name: string };
    PortBindings: Record<string, Array<{ HostIp: string; HostPort: string }>>;
  };
  Mounts: Array<{ Type: string; Name?: string; Source: string; Destination: string; RW: boolean }>;
  NetworkSettings: { Networks: Record<string, { Aliases: string[] | null }> };
  State: { Status: string };
}

test('deploys a service with every field of the plan, labelled, on its own network and volume', async (t) => {
  const image = await images.push('app');
  const [tcpPort, udpPort] = [await freePort(), await freePort()];
  const hostFolder = await mkdtemp(join(tmpdir(), 'rsgo-bind-'));
  t.teardown(() => rm(hostFolder, { recursive: true, force: true }));
  await chmod(hostFolder, 0o755); // the service runs as nobody
  await writeFile(join(hostFolder, 'settings.txt'), 'from the host\n');
  // Absolute binds need an allowed root; the default allows none.
  const runtime = await startDockerRuntime(t, { allowedBindRoots: [hostFolder] });

  const stack = uniqueStackName();
  const plan = testPlan({
    stackName: stack,
    volumes: ['data'],
    services: {
      web: {
        image: image.ref,
        entrypoint: ['sh', '-c'],
        command: [`echo "$GREETING" > /tmp/greeting; trap 'exit 0' TERM; sleep 3600 & wait`],
        environment: { GREETING: 'hello world' },
        ports: [
          { hostIp: '127.0.0.1', hostPort: tcpPort, containerPort: 8080, protocol: 'tcp' },
          { hostIp: null, hostPort: udpPort, containerPort: 9999, protocol: 'udp' },
        ],
        mounts: [
          { type: 'volume', source: `${stack}_data`, target: '/data', readOnly: false },
          { type: 'bind', source: hostFolder, target: '/config', readOnly: true },
        ],
        workingDir: '/www',
        user: '65534',
        restart: 'on-failure',
        labels: { 'com.example.team': 'core' },
      },
    },
  });

  const result = await runtime.carryOut(plan);

  t.is(result.runtime, 'docker-test');
  t.is(result.services.length, 1);
  const [web] = result.services;
  t.like(web, { serviceName: 'web', containerName: `${stack}_web`, image: image.ref, imageId: image.id, status: 'running', lifecycle: 'service' });

  const container = await dockerInspect<ContainerInspect>('container', `${stack}_web`);
  t.is(container.Id, web?.containerId ?? '');
  t.deepEqual(container.Config.Entrypoint, ['sh', '-c']);
  t.true(container.Config.Cmd[0]?.startsWith('echo "$GREETING"') ?? false);
  t.true(container.Config.Env.includes('GREETING=hello world'));
  t.is(container.Config.WorkingDir, '/www');
  t.is(container.Config.User, '65534');
  t.is(container.HostConfig.RestartPolicy.Name, 'on-failure');
  t.deepEqual(container.HostConfig.PortBindings['8080/tcp'], [{ HostIp: '127.0.0.1', HostPort: String(tcpPort) }]);
  t.deepEqual(container.HostConfig.PortBindings['9999/udp'], [{ HostIp: '', HostPort: String(udpPort) }]);
  t.like(container.Mounts.find((m) => m.Destination === '/data'), { Type: 'volume', Name: `${stack}_data`, RW: true });
  t.like(container.Mounts.find((m) => m.Destination === '/config'), { Type: 'bind', Source: hostFolder, RW: false });
  t.true(container.NetworkSettings.Networks[`${stack}_default`]?.Aliases?.includes('web'));
  t.like(container.Config.Labels, {
    'com.example.team': 'core',
    'rsgo.stack': stack,
    'rsgo.service': 'web',
    'rsgo.deployment': plan.deploymentId,
    'rsgo.environment': 'env-test',
    'rsgo.product': `test.${stack}`,
    'rsgo.version': '1.0.0',
    'rsgo.lifecycle': 'service',
  });
  t.is(await docker('exec', `${stack}_web`, 'cat', '/tmp/greeting'), 'hello world');
  t.is(await docker('exec', `${stack}_web`, 'cat', '/config/settings.txt'), 'from the host');

  const hostLabels = { 'rsgo.stack': stack, 'rsgo.deployment': plan.deploymentId, 'rsgo.product': `test.${stack}` };
  t.like((await dockerInspect<{ Labels: Record<string, string> }>('network', `${stack}_default`)).Labels, hostLabels);
  t.like((await dockerInspect<{ Labels: Record<string, string> }>('volume', `${stack}_data`)).Labels, hostLabels);

  // In order, the engine's repeated pull status lines folded.
  const steps = runtime.progress.filter((p) => p.service === 'web').map((p) => p.step).filter((step, i, all) => step !== all[i - 1]);
  t.deepEqual(steps, ['pull', 'pulled', 'create', 'start', 'wait', 'healthy']);
});

test('services reach each other over the stack network by service name; http and tcp checks gate the start', async (t) => {
  const runtime = await startDockerRuntime(t);
  const image = await images.push('web', { variant: 'served-by-web' });
  // Generous probe timeouts: on a busy machine starting a probe process alone can take seconds.
  const check = { intervalMs: 200, timeoutMs: 10_000, retries: 5, startPeriodMs: 0 };
  const plan = testPlan({
    services: {
      web: {
        image: image.ref,
        command: ['httpd', '-f', '-p', '8080', '-h', '/www'],
        healthCheck: { type: 'http', port: 8080, path: '/index.html', ...check },
      },
      echo: {
        image: image.ref,
        command: ['nc', '-ll', '-p', '7000', '-e', 'cat'],
        healthCheck: { type: 'tcp', port: 7000, path: '', ...check },
      },
      client: {
        image: image.ref,
        dependsOn: ['web', 'echo'],
        // Runs once at start: it only works when `web` already answers under its service name.
        command: idle('wget -q -O /tmp/fetched http://web:8080/index.html'),
      },
    },
  });

  const result = await runtime.carryOut(plan);

  t.deepEqual(result.services.map((s) => [s.serviceName, s.status]), [['web', 'running'], ['echo', 'running'], ['client', 'running']]);
  t.is(await docker('exec', `${plan.stackName}_client`, 'cat', '/tmp/fetched'), 'served-by-web');
  const health = await docker('inspect', '--format', '{{.State.Health.Status}}', `${plan.stackName}_web`, `${plan.stackName}_echo`);
  t.deepEqual(health.split('\n'), ['healthy', 'healthy']);
  const starts = runtime.progress.filter((p) => p.step === 'start').map((p) => p.service);
  t.true(starts.indexOf('client') > starts.indexOf('web') && starts.indexOf('client') > starts.indexOf('echo'));
});

test('services that wait for nothing are launched together; a dependent is launched once its dependency runs', async (t) => {
  const runtime = await startDockerRuntime(t);
  const image = await images.push('app');
  const plan = testPlan({
    services: {
      api: { image: image.ref, command: idle() },
      worker: { image: image.ref, command: idle() },
      db: { image: image.ref, command: idle() },
      web: { image: image.ref, dependsOn: ['api'], command: idle() },
    },
  });

  const result = await runtime.carryOut(plan);

  t.deepEqual(result.services.map((s) => [s.serviceName, s.status]), [['api', 'running'], ['worker', 'running'], ['db', 'running'], ['web', 'running']]);
  const steps = runtime.progress.filter((p) => p.service !== null && (p.step === 'create' || p.step === 'start')).map((p) => `${p.step}:${p.service}`);
  // One after the other, each create would follow the previous service's start.
  const firstStart = steps.findIndex((step) => step.startsWith('start:'));
  t.deepEqual(steps.slice(0, firstStart).sort(), ['create:api', 'create:db', 'create:worker'], steps.join(' '));
  t.true(steps.indexOf('create:web') > steps.indexOf('start:api'), steps.join(' '));
});

test('a named volume keeps its data when the containers are re-created; dropped services are removed', async (t) => {
  const runtime = await startDockerRuntime(t);
  const image = await images.push('app');
  const stack = uniqueStackName();
  const deploymentId = randomUUID();
  const volumePlan = (operation: 'deploy' | 'redeploy', withWorker: boolean) =>
    testPlan({
      stackName: stack,
      deploymentId,
      operation,
      volumes: ['data'],
      services: {
        app: {
          image: image.ref,
          mounts: [{ type: 'volume', source: `${stack}_data`, target: '/data', readOnly: false }],
          command: idle('echo run >> /data/runs'),
        },
        ...(withWorker ? { worker: { image: image.ref, command: idle() } } : {}),
      },
    });

  const first = await runtime.carryOut(volumePlan('deploy', true));
  const second = await runtime.carryOut(volumePlan('redeploy', false));

  t.deepEqual(first.services.map((s) => s.serviceName), ['app', 'worker']);
  t.deepEqual(second.services.map((s) => s.serviceName), ['app']);
  t.not(second.services[0]?.containerId, first.services[0]?.containerId);
  t.is(second.services[0]?.containerName, first.services[0]?.containerName);
  t.is(await docker('exec', `${stack}_app`, 'cat', '/data/runs'), 'run\nrun');
  t.is(await docker('container', 'ls', '--all', '--quiet', '--filter', `name=^${stack}_worker$`), '');
});

test('init services run to completion before the services start', async (t) => {
  const runtime = await startDockerRuntime(t);
  const image = await images.push('app');
  const stack = uniqueStackName();
  const data = { type: 'volume', source: `${stack}_data`, target: '/data', readOnly: false } as const;
  const plan = testPlan({
    stackName: stack,
    volumes: ['data'],
    services: {
      app: { image: image.ref, mounts: [data], command: idle('test -f /data/migrated') },
      migrate: { image: image.ref, lifecycle: 'init', mounts: [data], command: ['sh', '-c', 'sleep 1; echo v2 > /data/migrated'] },
    },
  });

  const result = await runtime.carryOut(plan);

  t.deepEqual(
    result.services.map((s) => [s.serviceName, s.lifecycle, s.status]),
    [['app', 'service', 'running'], ['migrate', 'init', 'exited']],
  );
  t.is(await docker('exec', `${stack}_app`, 'cat', '/data/migrated'), 'v2');
  t.is(await docker('inspect', '--format', '{{.HostConfig.RestartPolicy.Name}}', `${stack}_migrate`), 'no');
  const order = runtime.progress.filter((p) => p.step === 'init' || p.step === 'start').map((p) => `${p.step}:${p.service}`);
  t.true(order.indexOf('init:migrate') < order.indexOf('start:app'));
});

test('a failing init service fails the deploy with its exit code and log lines; no service starts', async (t) => {
  const runtime = await startDockerRuntime(t);
  const image = await images.push('app');
  const plan = testPlan({
    services: {
      app: { image: image.ref, command: idle() },
      migrate: { image: image.ref, lifecycle: 'init', command: ['sh', '-c', 'echo "applying 7 migrations"; sleep 0.2; echo "migration 3 failed" >&2; exit 4'] },
    },
  });

  const error = await t.throwsAsync(runtime.run(plan), { message: /^Init service 'migrate' exited with code 4\./ });

  t.is(error?.name, 'DeploymentFailedError');
  t.regex(error?.message ?? '', /applying 7 migrations\n\s+migration 3 failed/);
  t.is(await docker('container', 'ls', '--all', '--quiet', '--filter', `name=^${plan.stackName}_app$`), '');
});

test('an init service that outlives its initTimeoutSeconds fails the deploy and is stopped', async (t) => {
  const runtime = await startDockerRuntime(t);
  const image = await images.push('app');
  const plan = testPlan({
    services: {
      migrate: { image: image.ref, lifecycle: 'init', initTimeoutSeconds: 4, command: idle('echo still migrating') },
    },
  });

  await t.throwsAsync(runtime.run(plan), { message: /^Init service 'migrate' did not finish within 4s\. Last log lines:\n\s+still migrating/ });
  t.is(await docker('inspect', '--format', '{{.State.Status}}', `${plan.stackName}_migrate`), 'exited');
});

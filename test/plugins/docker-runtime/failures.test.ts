import test from 'ava';
import { UnavailableError } from '../../../core/plugin-api.js';
import { docker } from '../../support/docker-cli.js';
import { takenPort } from '../../support/free-port.js';
import { testImages } from '../../support/test-images.js';
import { idle, testPlan } from '../../support/test-plan.js';
import { startDockerRuntime } from './docker-runtime-fixture.js';

const images = testImages('docker-runtime-failures');

/** Containers labelled with the deployment, as `name state` lines. */
async function containersOf(deploymentId: string): Promise<string> {
  return docker('container', 'ls', '--all', '--format', '{{.Names}} {{.State}}', '--filter', `label=rsgo.deployment=${deploymentId}`);
}

test('a service that exits fails the deploy with its exit code and last log lines', async (t) => {
  const runtime = await startDockerRuntime(t);
  const image = await images.push('app');
  const plan = testPlan({
    services: {
      api: { image: image.ref, restart: 'no', command: ['sh', '-c', 'echo starting; sleep 0.2; echo "fatal: DATABASE_URL is not set" >&2; exit 3'] },
    },
  });

  const error = await t.throwsAsync(runtime.run(plan));

  t.is(error?.name, 'DeploymentFailedError');
  t.like(error, { code: 'DEPLOY_FAILED', status: 400 });
  t.is(error?.message, `Service 'api' exited with code 3. Last log lines:\n  starting\n  fatal: DATABASE_URL is not set`);
});

test('a service that exits late in its first 2 s of running still fails the deploy', async (t) => {
  const runtime = await startDockerRuntime(t);
  const image = await images.push('app');
  const plan = testPlan({
    services: { api: { image: image.ref, restart: 'no', command: ['sh', '-c', 'echo up; sleep 1.2; echo "lost the lock" >&2; exit 5'] } },
  });

  const error = await t.throwsAsync(runtime.run(plan));

  t.is(error?.message, `Service 'api' exited with code 5. Last log lines:\n  up\n  lost the lock`);
});

test('a service in a restart loop is reported with its real exit code and left stopped', async (t) => {
  const runtime = await startDockerRuntime(t);
  const image = await images.push('app');
  const plan = testPlan({
    services: {
      db: { image: image.ref, command: idle() },
      api: { image: image.ref, dependsOn: ['db'], command: ['sh', '-c', 'echo crashing; exit 5'] },
    },
  });

  await t.throwsAsync(runtime.run(plan), {
    message: /^Service 'api' exited with code 5 and was restarted by its restart policy\. Last log lines:\n\s+crashing/,
  });
  // A failed start stops what it started: nothing keeps restarting or holding ports.
  t.is(await containersOf(plan.deploymentId), [`${plan.stackName}_api exited`, `${plan.stackName}_db exited`].join('\n'));
});

test('a service whose health check fails is reported unhealthy with the check output', async (t) => {
  const runtime = await startDockerRuntime(t);
  const image = await images.push('app');
  const plan = testPlan({
    services: {
      api: {
        image: image.ref,
        command: idle(),
        healthCheck: {
          type: 'docker',
          test: ['CMD-SHELL', 'echo "migrations pending"; exit 1'],
          intervalMs: 100,
          // Generous: on a busy machine starting the probe process alone can take seconds.
          timeoutMs: 10_000,
          retries: 2,
          startPeriodMs: 0,
        },
      },
    },
  });

  await t.throwsAsync(runtime.run(plan), {
    message: /^Service 'api' is unhealthy \(last health check: migrations pending\)\. It wrote no log lines\.$/,
  });
});

/** Health checks whose program (curl) the test image does not have, and what the engine says then. */
const checksWithoutProgram = [
  { form: 'exec form', test: ['CMD', 'curl', '-f', 'http://127.0.0.1:8080/health'], engine: /exec: "curl": executable file not found/ },
  { form: 'shell form', test: ['CMD-SHELL', 'curl -f http://127.0.0.1:8080/health'], engine: /curl: not found/ },
];

for (const check of checksWithoutProgram) {
  test(`a health check (${check.form}) whose program the image lacks fails at its first result, naming the program`, async (t) => {
    const runtime = await startDockerRuntime(t);
    const image = await images.push('app');
    const plan = testPlan({
      services: {
        // Many retries: without recognising the missing program, the deploy would wait far longer and say "unhealthy".
        whoami: { image: image.ref, command: idle(), healthCheck: { type: 'docker', test: check.test, intervalMs: 200, timeoutMs: 10_000, retries: 1000, startPeriodMs: 0 } },
      },
    });

    const error = await t.throwsAsync(runtime.run(plan));

    t.regex(error?.message ?? '', /^Service 'whoami' can never become healthy: its health check needs "curl", which the image does not have \(last health check: /);
    t.regex(error?.message ?? '', check.engine);
  });
}

test('an http check on a path the service does not serve is unhealthy, with the probe output', async (t) => {
  const runtime = await startDockerRuntime(t);
  const image = await images.push('app');
  const plan = testPlan({
    services: {
      web: {
        image: image.ref,
        command: ['httpd', '-f', '-p', '8080', '-h', '/www'],
        healthCheck: { type: 'http', port: 8080, path: '/healthz', intervalMs: 200, timeoutMs: 10_000, retries: 2, startPeriodMs: 0 },
      },
    },
  });

  await t.throwsAsync(runtime.run(plan), { message: /^Service 'web' is unhealthy \(last health check: .*404 Not Found\)/ });
});

test('aborting the deploy through the context ends the wait', async (t) => {
  const runtime = await startDockerRuntime(t);
  const image = await images.push('app');
  const plan = testPlan({
    services: {
      api: {
        image: image.ref,
        command: idle(),
        healthCheck: { type: 'tcp', port: 9, path: '', intervalMs: 60_000, timeoutMs: 1000, retries: 3, startPeriodMs: 0 },
      },
    },
  });
  const controller = new AbortController();

  const attempt = runtime.run(plan, {
    signal: controller.signal,
    onProgress: (event) => {
      if (event.step === 'start') controller.abort(new Error('host deadline passed'));
    },
  });

  await t.throwsAsync(attempt, { message: /^Service 'api' did not become healthy: the deploy was aborted \(host deadline passed\)\./ });
  t.is(await containersOf(plan.deploymentId), `${plan.stackName}_api exited`);
});

test('a host port that is already in use is named in the failure', async (t) => {
  const runtime = await startDockerRuntime(t);
  const image = await images.push('app');
  const port = await takenPort(t);
  const plan = testPlan({
    services: {
      web: { image: image.ref, command: idle(), ports: [{ hostIp: '127.0.0.1', hostPort: port, containerPort: 80, protocol: 'tcp' }] },
    },
  });

  const error = await t.throwsAsync(runtime.run(plan));

  t.is(error?.message, `Service 'web' could not be started: host port 127.0.0.1:${port} is already in use.`);
  t.like(error, { code: 'PORT_IN_USE', status: 400 });
});

test('when one of the services launched together fails, the others are stopped and kept for their logs', async (t) => {
  const runtime = await startDockerRuntime(t);
  const image = await images.push('app');
  const port = await takenPort(t);
  const plan = testPlan({
    services: {
      worker: { image: image.ref, command: idle() },
      web: { image: image.ref, command: idle(), ports: [{ hostIp: '127.0.0.1', hostPort: port, containerPort: 80, protocol: 'tcp' }] },
      cache: { image: image.ref, command: idle() },
    },
  });

  const error = await t.throwsAsync(runtime.run(plan));

  t.is(error?.message, `Service 'web' could not be started: host port 127.0.0.1:${port} is already in use.`);
  const states = (await containersOf(plan.deploymentId)).split('\n').sort();
  t.deepEqual(states, [`${plan.stackName}_cache exited`, `${plan.stackName}_web created`, `${plan.stackName}_worker exited`]);
});

test('a container name taken by a container of no deployment fails before anything changes', async (t) => {
  const runtime = await startDockerRuntime(t);
  const image = await images.push('app');
  const plan = testPlan({ services: { web: { image: image.ref, command: idle() } } });
  await docker('pull', '--quiet', image.ref);
  const foreign = await docker('container', 'create', '--name', `${plan.stackName}_web`, image.ref, 'true');
  t.teardown(() => docker('container', 'rm', '--force', foreign));

  await t.throwsAsync(runtime.run(plan), {
    message: `Container name '${plan.stackName}_web' (service 'web') is taken by a container this host did not deploy. Nothing was changed.`,
  });
  t.is(await docker('container', 'inspect', '--format', '{{.Id}}', `${plan.stackName}_web`), foreign);
  t.is(await containersOf(plan.deploymentId), '');
  t.is(await docker('network', 'ls', '--quiet', '--filter', `name=^${plan.stackName}_default$`), '');
});

test('an unreachable engine is reported as unavailable, naming the environment', async (t) => {
  const runtime = await startDockerRuntime(t);
  const plan = testPlan({
    environment: { name: 'edge-site', settings: { dockerHost: 'tcp://127.0.0.1:1' } },
    services: { web: { image: `${images.unpushed('app')}`, command: idle() } },
  });

  const error = await t.throwsAsync(runtime.run(plan), { instanceOf: UnavailableError });

  t.regex(error?.message ?? '', /^Docker engine of environment 'edge-site' is unreachable: .*ECONNREFUSED/);
  t.is(error?.status, 503);
});

test('an engine socket that does not exist is reported as unavailable; a unix:// address is used as given', async (t) => {
  const runtime = await startDockerRuntime(t);
  const missing = testPlan({ environment: { name: 'lab', settings: { dockerHost: 'unix:///run/rsgo-no-such-engine.sock' } } });
  const local = testPlan({ environment: { settings: { dockerHost: 'unix:///var/run/docker.sock' } } });

  await t.throwsAsync(runtime.inspect(missing), {
    instanceOf: UnavailableError,
    message: /^Docker engine of environment 'lab' is unreachable: .*ENOENT/,
  });
  t.deepEqual(await runtime.inspect(local), []);
});

test('a plan for another environment type is left to other runtimes', async (t) => {
  const runtime = await startDockerRuntime(t);
  const plan = testPlan({ environment: { type: 'kubernetes' }, services: { web: { image: 'nginx:1', command: null } } });

  t.is(await runtime.run(plan), undefined);
  t.is(runtime.progress.length, 0);
});

import test, { type ExecutionContext } from 'ava';
import { setTimeout as sleep } from 'node:timers/promises';
import { DeployDeadline } from '../../../plugins/docker-runtime/deploy-deadline.js';
import { DockerEngine } from '../../../plugins/docker-runtime/docker-engine.js';
import { dockerEnvironment } from '../../../plugins/docker-runtime/docker-environment-settings.js';
import { dockerRuntimeOptions } from '../../../plugins/docker-runtime/docker-runtime-options.js';
import { waitUntilReady } from '../../../plugins/docker-runtime/wait-until-ready.js';
import { cleanUpDeployments } from '../../support/docker-cleanup.js';
import { docker } from '../../support/docker-cli.js';
import { testImages } from '../../support/test-images.js';
import { idle, testPlan } from '../../support/test-plan.js';

const images = testImages('docker-runtime-readiness');

/**
 * A running container of the plan's only service whose health stays "starting" (its first
 * probe is a minute away), started here so that a short deadline is spent on the wait alone,
 * however busy the engine is. Resolves once the container has written `line`.
 */
async function startedButNotHealthy(t: ExecutionContext, line: string) {
  const image = await images.push('app');
  const plan = testPlan({ services: { api: { image: image.ref } } });
  cleanUpDeployments(t, plan.deploymentId);
  await docker('pull', '--quiet', image.ref);
  const launchedAt = new Date();
  const id = await docker(
    // No network: the wait needs none, and the engine's default bridge is not one of ours.
    'run', '--detach', '--network', 'none', '--label', `rsgo.deployment=${plan.deploymentId}`,
    '--health-cmd', 'exit 1', '--health-interval', '60s', image.ref, ...idle(`echo ${line}`),
  );
  for (const giveUp = Date.now() + 30_000; !(await docker('logs', id)).includes(line); await sleep(100)) {
    if (Date.now() > giveUp) throw new Error(`the container did not write '${line}' within 30s`);
  }
  const engine = DockerEngine.connect(dockerEnvironment(plan.environment), dockerRuntimeOptions.parse({}));
  const [service] = plan.services;
  if (!service) throw new Error('the plan has no service');
  return { engine, service, container: { id, launchedAt } };
}

test('a service that never becomes healthy fails when the deploy deadline passes, with its last log lines', async (t) => {
  const { engine, service, container } = await startedButNotHealthy(t, 'waiting for the cache');
  const host = new AbortController();
  const timer = setTimeout(() => host.abort(new Error("the host's deploy timeout of 2s passed")), 2000);
  t.teardown(() => clearTimeout(timer));
  const deadline = new DeployDeadline(host.signal);

  await t.throwsAsync(waitUntilReady(engine, service, container, deadline, { settleMs: 0 }), {
    message: /^Service 'api' did not become healthy: the deploy was aborted \(the host's deploy timeout of 2s passed\)\. Last log lines:\n\s+waiting for the cache$/,
  });
});

test('a deadline that ends during a look at the container still fails naming the service', async (t) => {
  const { service, container } = await startedButNotHealthy(t, 'idle');
  const host = new AbortController();
  const plan = testPlan({ services: { api: { image: 'unused' } } });
  // The engine's requests end with the deadline, as in a deploy; the deadline ends just as the
  // first look at the container is asked for (the race a busy machine produces now and then).
  const engine = DockerEngine.connect(dockerEnvironment(plan.environment), dockerRuntimeOptions.parse({}), host.signal);
  const inspect = engine.inspectContainer.bind(engine);
  engine.inspectContainer = (id) => {
    host.abort(new Error("the host's deploy timeout of 10s passed"));
    return inspect(id);
  };

  await t.throwsAsync(waitUntilReady(engine, service, container, new DeployDeadline(host.signal), { settleMs: 0 }), {
    message: "Service 'api' did not start: the deploy was aborted (the host's deploy timeout of 10s passed).",
  });
});

test('a cancelled wait ends quietly: another service already failed the deploy', async (t) => {
  const { engine, service, container } = await startedButNotHealthy(t, 'idle');
  const deadline = new DeployDeadline(new AbortController().signal);
  const cancel = new AbortController();

  const wait = waitUntilReady(engine, service, container, deadline, { settleMs: 0, cancel: cancel.signal });
  cancel.abort();

  t.is(await wait, null);
});

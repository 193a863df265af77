import test from 'ava';
import { dockerRuntimeOptions } from '../../../plugins/docker-runtime/docker-runtime-options.js';
import { testImages } from '../../support/test-images.js';
import { testPlan } from '../../support/test-plan.js';
import { startDockerRuntime } from './docker-runtime-fixture.js';

const images = testImages('docker-runtime-settle');

/** A service without a health check that runs for `seconds`, then fails. */
function exitingAfter(image: string, seconds: number) {
  return testPlan({
    services: { api: { image, restart: 'no', command: ['sh', '-c', `echo up; sleep ${seconds}; echo "lost the lock" >&2; exit 5`] } },
  });
}

test('a longer settle period catches a service that exits after the default 2 s', async (t) => {
  const runtime = await startDockerRuntime(t, { settleSeconds: 5 });
  const image = await images.push('app');

  const error = await t.throwsAsync(runtime.run(exitingAfter(image.ref, 3)));

  t.is(error?.message, `Service 'api' exited with code 5. Last log lines:\n  up\n  lost the lock`);
});

test('settle period 0 counts a service as started as soon as the engine reports it running', async (t) => {
  const runtime = await startDockerRuntime(t, { settleSeconds: 0 });
  const image = await images.push('app');
  // With the default 2 s this deploy fails: the service exits before its period ends.
  const plan = exitingAfter(image.ref, 1.8);

  const result = await runtime.carryOut(plan);

  t.deepEqual(
    result.services.map((s) => s.serviceName),
    ['api'],
  );
  t.deepEqual(
    runtime.progress.filter((event) => event.step === 'healthy').map((event) => event.message),
    [`${plan.stackName}_api is running`],
  );
});

test('the settle period must be between 0 and 600 seconds', (t) => {
  t.is(dockerRuntimeOptions.parse({}).settleSeconds, 2);
  t.is(dockerRuntimeOptions.parse({ settleSeconds: 0.5 }).settleSeconds, 0.5);
  t.false(dockerRuntimeOptions.safeParse({ settleSeconds: -1 }).success);
  t.false(dockerRuntimeOptions.safeParse({ settleSeconds: 601 }).success);
  t.false(dockerRuntimeOptions.safeParse({ settleSeconds: '2' }).success);
});

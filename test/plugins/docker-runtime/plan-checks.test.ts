import test from 'ava';
import { randomUUID } from 'node:crypto';
import { docker } from '../../support/docker-cli.js';
import { cleanUpDeployments } from '../../support/docker-cleanup.js';
import { testImages } from '../../support/test-images.js';
import { idle, testPlan, uniqueStackName } from '../../support/test-plan.js';
import { startDockerRuntime } from './docker-runtime-fixture.js';

const images = testImages('docker-runtime-plan-checks');

const container = (name: string) => docker('container', 'inspect', '--format', '{{.Id}} {{.State.Status}}', name);

test('what the engine would refuse only at create or start fails the redeploy before the old containers stop', async (t) => {
  const runtime = await startDockerRuntime(t);
  const image = await images.push('app');
  const first = testPlan({ services: { app: { image: image.ref, command: idle() }, web: { image: image.ref, command: idle() } } });
  await runtime.carryOut(first);
  const before = await container(`${first.stackName}_app`);

  const volume = (target: string) => ({ type: 'volume' as const, source: `${first.stackName}_data`, target, readOnly: false });
  const port = (hostPort: number, hostIp: string | null = null) => ({ hostIp, hostPort, containerPort: 80, protocol: 'tcp' as const });
  const refused = testPlan({
    stackName: first.stackName,
    deploymentId: first.deploymentId,
    operation: 'redeploy',
    volumes: ['data'],
    services: {
      app: {
        image: image.ref,
        command: idle(),
        environment: { SECRET: 'sec\u0000ret' },
        workingDir: 'srv',
        mounts: [volume('/data'), volume('/data/')],
        ports: [port(18080, '127.0.0.1')],
      },
      web: { image: image.ref, command: idle(), containerName: 'x', ports: [port(18080)], mounts: [volume('/')] },
    },
  });
  const error = await t.throwsAsync(runtime.run(refused));

  t.like(error, { name: 'DeploymentFailedError', code: 'INVALID_PLAN', status: 400 });
  t.is(
    error?.message,
    'The engine would refuse this plan: ' +
      "service 'app': environment value of SECRET holds a NUL character; " +
      "service 'app': working directory 'srv' is not an absolute path; " +
      "service 'app': two mounts share the target '/data/'; " +
      "service 'web': container name 'x' is not a valid name (letters, digits, '_', '.', '-'; at least two); " +
      "service 'web': a mount may not cover '/'; " +
      "services 'app' and 'web' both bind host port 18080/tcp.",
  );
  t.false(error?.message.includes('\u0000'), 'the value is never quoted');
  t.is(await container(`${first.stackName}_app`), before);
});

test("a volume labelled as another stack's is never taken over; the deploy fails before anything changes", async (t) => {
  const runtime = await startDockerRuntime(t);
  const image = await images.push('app');
  const owner = testPlan({ volumes: ['data'], services: { app: { image: image.ref, command: idle('echo mine > /data/owner') } } });
  await runtime.carryOut({
    ...owner,
    services: owner.services.map((s) => ({ ...s, mounts: [{ type: 'volume', source: `${owner.stackName}_data`, target: '/data', readOnly: false }] })),
  });

  // Another deployment whose plan names the same volume, as colliding stack names once did.
  const intruder = testPlan({ volumes: ['data'], services: { app: { image: image.ref, command: idle() } } });
  const planned = {
    ...intruder,
    volumes: [{ name: `${owner.stackName}_data`, external: false, labels: {} }],
    services: intruder.services.map((s) => ({ ...s, mounts: [{ type: 'volume' as const, source: `${owner.stackName}_data`, target: '/data', readOnly: false }] })),
  };
  await t.throwsAsync(runtime.run(planned), {
    code: 'VOLUME_NAME_CONFLICT',
    message: `Volume '${owner.stackName}_data' belongs to stack '${owner.stackName}', deployment ${owner.deploymentId}: a stack never takes over another stack's volume.`,
  });
  t.is(await docker('container', 'ls', '--all', '--quiet', '--filter', `label=rsgo.deployment=${intruder.deploymentId}`), '');
});

test('a volume the deployment made under its former name keeps being used', async (t) => {
  const runtime = await startDockerRuntime(t);
  const image = await images.push('app');
  const stackName = `${uniqueStackName('rt')}_db`;
  const deploymentId = randomUUID();
  cleanUpDeployments(t, deploymentId);
  const formerName = `${stackName}_data`;
  await docker('volume', 'create', '--label', `rsgo.deployment=${deploymentId}`, formerName);
  await docker('run', '--rm', '-v', `${formerName}:/data`, image.ref, 'sh', '-c', 'echo kept > /data/proof');

  const plan = testPlan({ stackName, deploymentId, services: { app: { image: image.ref, command: idle() } } });
  const newName = `${stackName.replaceAll('_', '__')}_data`;
  await runtime.carryOut({
    ...plan,
    volumes: [{ name: newName, external: false, labels: {}, formerName }],
    services: plan.services.map((s) => ({ ...s, mounts: [{ type: 'volume', source: newName, target: '/data', readOnly: false }] })),
  });

  t.is(await docker('exec', `${stackName}_app`, 'cat', '/data/proof'), 'kept');
  await t.throwsAsync(docker('volume', 'inspect', newName), undefined, 'no volume was made under the new name');
});

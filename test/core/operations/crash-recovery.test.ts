import test from 'ava';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { databaseEngines } from '../../support/databases.js';
import { docker } from '../../support/docker-cli.js';
import { idleCommand, removeEnvironmentResources } from '../../support/deploy-host.js';
import { eventually, startHostProcess, type HostProcess } from '../../support/host-process.js';
import { install, recovered, signIn, type ProcessClient } from '../../support/host-installation.js';
import { testImages } from '../../support/test-images.js';

const images = testImages('deployments-crash');

/**
 * Starts a deploy of `stackName` and kills the host process (SIGKILL) once `inFlight` says the
 * deploy is under way. The catalog loads in the background at start, so an early "not found"
 * is retried.
 */
async function crashDuringDeploy(proc: HostProcess, client: ProcessClient, stackName: string, inFlight: () => Promise<boolean>) {
  for (;;) {
    const request = client.call('POST', '/api/deployments', { environmentId: client.environmentId, stackName, productId: 'stacks:App' }).catch(() => null);
    const early = await Promise.race([request, sleep(1500).then(() => undefined)]);
    if (early === undefined) break;
    if (early?.body['code'] !== 'PRODUCT_NOT_FOUND') throw new Error(`the deploy did not start: ${JSON.stringify(early)}`);
    await sleep(200);
  }
  await eventually('the deploy to be under way', 180_000, async () => ((await inFlight()) ? true : undefined));
  proc.child.kill('SIGKILL');
  await proc.exited;
}

const running = async (container: string) => (await docker('container', 'ls', '--quiet', '--filter', `name=^${container}$`)) !== '';

for (const engine of databaseEngines) {
  test.serial(`a deploy cut off by a crash during its init container ends Failed after the restart, and can be deployed again (${engine})`, async (t) => {
    const image = await images.push('app');
    const installation = await install(t, {
      'app.yaml': `metadata: { name: App, productVersion: "1.0.0" }
variables:
  INIT_SECONDS: { default: "30" }
services:
  migrate:
    image: ${image.ref}
    lifecycle: init
    command: ["sh", "-c", "sleep \${INIT_SECONDS}"]
  app:
    image: ${image.ref}
    command: ${idleCommand()}
`,
    }, engine);
    const stackName = `crash-${randomBytes(4).toString('hex')}`;
    const first = await startHostProcess(t, installation.configPath, installation.env);
    const client = await signIn(first, installation.env);
    t.teardown(() => removeEnvironmentResources(client.environmentId));
    await crashDuringDeploy(first, client, stackName, () => running(`${stackName}_migrate`));

    const second = await startHostProcess(t, installation.configPath, installation.env);
    const again = await signIn(second, installation.env);
    const deployment = await recovered(again, stackName);

    const message = 'The host stopped during the deploy; after the restart 0 of 1 service(s) were running (not running: app).';
    t.like(deployment, { status: 'Failed', errorMessage: message });
    t.like(deployment['history'], [
      { operation: 'deploy', outcome: 'Failed', message: 'Interrupted: the host stopped before the deploy finished.' },
      { operation: 'recover', outcome: 'Succeeded', triggeredBy: 'host', message },
    ]);

    const retried = await again.call('POST', '/api/deployments', {
      environmentId: again.environmentId,
      stackName,
      productId: 'stacks:App',
      variables: { INIT_SECONDS: '0' },
    });
    t.is(retried.status, 201, JSON.stringify(retried.body));
    t.is(retried.body['deploymentId'], deployment['id']);
    t.true(await running(`${stackName}_app`));
  });

  test.serial(`a deploy cut off by a crash while its service became healthy ends Running after the restart (${engine})`, async (t) => {
    const image = await images.push('app');
    const installation = await install(t, {
      'app.yaml': `metadata: { name: App, productVersion: "1.0.0" }
services:
  app:
    image: ${image.ref}
    command: ${idleCommand('sleep 8; touch /tmp/ready')}
    healthCheck:
      test: ["CMD-SHELL", "test -f /tmp/ready"]
      interval: 1s
      timeout: 5s
      retries: 60
`,
    }, engine);
    const stackName = `crash-${randomBytes(4).toString('hex')}`;
    const first = await startHostProcess(t, installation.configPath, installation.env);
    const client = await signIn(first, installation.env);
    t.teardown(() => removeEnvironmentResources(client.environmentId));
    await crashDuringDeploy(first, client, stackName, () => running(`${stackName}_app`));
    const containerId = await docker('container', 'inspect', '--format', '{{.Id}}', `${stackName}_app`);

    const second = await startHostProcess(t, installation.configPath, installation.env);
    const deployment = await recovered(await signIn(second, installation.env), stackName);

    t.like(deployment, { status: 'Running', errorMessage: null, stackVersion: '1.0.0' });
    t.like((deployment['services'] as unknown[])[0], { serviceName: 'app', containerId, status: 'running' });
    t.like((deployment['history'] as unknown[])[1], {
      operation: 'recover',
      message: 'The host stopped during the deploy; every service of version 1.0.0 was found running, so the deploy is taken as done.',
    });
  });
}

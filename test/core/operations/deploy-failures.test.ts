import test from 'ava';
import { randomBytes } from 'node:crypto';
import { docker } from '../../support/docker-cli.js';
import { freePort, takenPort } from '../../support/free-port.js';
import { containersLabelled, idleCommand, useDeployHost, type DeployTestHost } from '../../support/deploy-host.js';
import { testImages } from '../../support/test-images.js';

const images = testImages('deployments-failures');
const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

/** A single-stack product `<name>` (groupId `stacks:<name>`) whose services are given as YAML. */
function product(name: string, services: string, extra = ''): Record<string, string> {
  return { [`${name}.yaml`]: `metadata:\n  name: ${name}\n  productVersion: "1.0.0"\n${extra}services:\n${services}` };
}

async function deploy(host: DeployTestHost, productName: string, stackName: string, variables: Record<string, string> = {}) {
  return host.admin('POST', '/api/deployments', { environmentId: host.environmentId, stackName, productId: `stacks:${productName}`, variables });
}

async function record(host: DeployTestHost, id: unknown) {
  return (await host.admin('GET', `/api/deployments/${String(id)}`)).body['deployment'] as Record<string, unknown>;
}

test.serial('an init container runs to completion before the services, which see what it left', async (t) => {
  const image = await images.push('app');
  const host = await useDeployHost(t, {
    manifests: product(
      'Seeded',
      `  seed:
    image: ${image.ref}
    lifecycle: init
    command: ["sh", "-c", "echo seeded > /data/marker"]
    volumes: ["data:/data"]
  app:
    image: ${image.ref}
    command: ${idleCommand('test -f /data/marker')}
    volumes: ["data:/data"]
`,
    ),
  });
  const stackName = unique('seeded');
  const res = await deploy(host, 'Seeded', stackName);
  t.is(res.status, 201, res.text);
  t.is(await docker('exec', `${stackName}_app`, 'cat', '/data/marker'), 'seeded');
  const services = (await record(host, res.body['deploymentId']))['services'] as Array<Record<string, unknown>>;
  t.like(services.find((s) => s['serviceName'] === 'seed'), { lifecycle: 'init', status: 'exited' });
  t.like(services.find((s) => s['serviceName'] === 'app'), { lifecycle: 'service', status: 'running' });
});

test.serial('a failing init container fails the deploy, keeps the record as Failed and starts no service', async (t) => {
  const image = await images.push('app');
  const host = await useDeployHost(t, {
    manifests: product(
      'Broken',
      `  migrate:
    image: ${image.ref}
    lifecycle: init
    command: ["sh", "-c", "echo 'migration 7 failed' >&2; exit 4"]
  app:
    image: ${image.ref}
    command: ${idleCommand()}
`,
    ),
  });
  const stackName = unique('broken');
  const res = await deploy(host, 'Broken', stackName);
  t.is(res.status, 400, res.text);
  t.like(res.body, { success: false, status: 'Failed' });
  t.regex(String(res.body['message']), /^Deployment failed: .*'migrate'.*4[\s\S]*migration 7 failed/);
  const deployment = await record(host, res.body['deploymentId']);
  t.like(deployment, { status: 'Failed', stackName });
  t.regex(String(deployment['errorMessage']), /migration 7 failed/);
  t.like((deployment['history'] as unknown[])[0], { operation: 'deploy', outcome: 'Failed' });
  t.deepEqual(await containersLabelled('rsgo.stack', stackName).then((rows) => rows.filter((row) => row.startsWith(`${stackName}_app`))), []);
});

test.serial('a service that exits fails the deploy with its exit code and log; a retry deploys in place', async (t) => {
  const image = await images.push('app');
  const crashing = product('Crashy', `  api:\n    image: ${image.ref}\n    restart: "no"\n    command: ["sh", "-c", "echo 'fatal: no config' >&2; exit 3"]\n`);
  const host = await useDeployHost(t, { manifests: crashing });
  const stackName = unique('crashy');

  const failed = await deploy(host, 'Crashy', stackName);
  t.is(failed.status, 400);
  t.is(failed.body['message'], `Deployment failed: Service 'api' exited with code 3. Last log lines:\n  fatal: no config`);
  const id = failed.body['deploymentId'];
  t.like(await record(host, id), { status: 'Failed' });

  await host.addManifests(product('Crashy', `  api:\n    image: ${image.ref}\n    command: ${idleCommand()}\n`));
  const retried = await deploy(host, 'Crashy', stackName);
  t.is(retried.status, 201, retried.text);
  t.is(retried.body['deploymentId'], id);
  const deployment = await record(host, id);
  t.like(deployment, { status: 'Running', errorMessage: null });
  t.deepEqual((deployment['history'] as Array<{ outcome: string }>).map((h) => h.outcome), ['Failed', 'Succeeded']);
});

test.serial('a service that never becomes healthy fails the deploy and says so', async (t) => {
  const image = await images.push('app');
  const host = await useDeployHost(t, {
    manifests: product(
      'Sick',
      `  api:
    image: ${image.ref}
    command: ${idleCommand()}
    healthCheck:
      test: ["CMD-SHELL", "echo 'db not reachable'; exit 1"]
      interval: 1s
      timeout: 10s
      retries: 2
`,
    ),
  });
  const res = await deploy(host, 'Sick', unique('sick'));
  t.is(res.status, 400, res.text);
  t.regex(String(res.body['message']), /^Deployment failed: Service 'api' is unhealthy \(last health check: db not reachable/);
  t.like(await record(host, res.body['deploymentId']), { status: 'Failed' });
});

test.serial('a host port already in use fails the deploy with a clear message', async (t) => {
  const image = await images.push('app');
  const port = await takenPort(t);
  const host = await useDeployHost(t, {
    manifests: product('Web', `  web:\n    image: ${image.ref}\n    command: ${idleCommand()}\n    ports: ["127.0.0.1:\${PORT}:8080"]\n`, 'variables:\n  PORT: { type: Port }\n'),
  });
  const res = await deploy(host, 'Web', unique('web'), { PORT: String(port) });
  t.is(res.status, 400, res.text);
  t.is(res.body['code'], 'PORT_IN_USE');
  t.is(res.body['message'], `Deployment failed: Service 'web' could not be started: host port 127.0.0.1:${port} is already in use.`);
});

test.serial('an environment whose engine does not answer gives a 503 naming it, and the deployment is Failed', async (t) => {
  const image = await images.push('app');
  const host = await useDeployHost(t, { manifests: product('Remote', `  app:\n    image: ${image.ref}\n    command: ${idleCommand()}\n`) });
  const port = await freePort();
  const created = await host.admin('POST', '/api/environments', { name: 'edge', type: 'docker', dockerHost: `tcp://127.0.0.1:${port}` });
  t.is(created.status, 201, created.text);
  const environmentId = (created.body['environment'] as { id: string }).id;

  const res = await host.admin('POST', '/api/deployments', { environmentId, stackName: unique('remote'), productId: 'stacks:Remote' });
  t.is(res.status, 503, res.text);
  t.regex(String(res.body['message']), /^Docker engine of environment 'edge' is unreachable: /);
  t.like(await record(host, res.body['deploymentId']), { status: 'Failed', environmentId });
});

test.serial('an environment with TLS client certificates is accepted for tcp:// engines only; the material is never shown', async (t) => {
  const host = await useDeployHost(t);
  const pem = (kind: string) => `-----BEGIN ${kind}-----\nMIIB\n-----END ${kind}-----\n`;
  const tls = { ca: pem('CERTIFICATE'), cert: pem('CERTIFICATE'), key: pem('PRIVATE KEY') };
  const ok = await host.admin('POST', '/api/environments', { name: 'secure', dockerHost: 'tcp://10.0.0.9:2376', tls });
  t.is(ok.status, 201, ok.text);
  t.false(ok.text.includes('PRIVATE KEY'));
  const planned = await host.host.host.environments.planEnvironment((ok.body['environment'] as { id: string }).id);
  t.deepEqual(planned.settings['tls'], tls);
  t.is((await host.admin('POST', '/api/environments', { name: 'socket-tls', tls })).status, 400);
  t.is((await host.admin('POST', '/api/environments', { name: 'half', dockerHost: 'tcp://10.0.0.9:2376', tls: { ca: tls.ca } })).status, 400);
  t.false((await host.admin('GET', '/api/environments')).text.includes('PRIVATE KEY'));
});

import test, { type ExecutionContext } from 'ava';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { docker } from '../../support/docker-cli.js';
import { idleCommand, removeEnvironmentResources } from '../../support/deploy-host.js';
import { eventually, startHostProcess, type HostProcess } from '../../support/host-process.js';
import { testImages } from '../../support/test-images.js';

const images = testImages('deployments-crash');

/** A host installation on disk: config, catalog and data folder, and the admin's credentials. */
interface Installation {
  readonly configPath: string;
  readonly env: NodeJS.ProcessEnv;
}

async function install(t: ExecutionContext, manifest: string): Promise<Installation> {
  const dir = await mkdtemp(join(tmpdir(), 'rsgo-crash-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'stacks'));
  await writeFile(join(dir, 'stacks', 'app.yaml'), manifest);
  const configPath = join(dir, 'rsgo.yaml');
  await writeFile(
    configPath,
    `server: { host: 127.0.0.1, port: 0 }
dataDir: ./data
deployments: { timeoutSeconds: 120, lockWaitSeconds: 30, leaseSeconds: 2 }
plugins:
  - use: api-key-auth
  - use: docker-runtime
    options: { stopTimeoutSeconds: 2 }
  - use: local-directory-source
    name: stacks
    options: { path: ./stacks }
`,
  );
  return { configPath, env: { RSGO_ADMIN_USER: 'admin', RSGO_ADMIN_PASSWORD: randomBytes(12).toString('hex') } };
}

/** A client of one host process, signed in as the admin. */
async function signIn(proc: HostProcess, env: NodeJS.ProcessEnv) {
  const login = await fetch(`${proc.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: env['RSGO_ADMIN_USER'], password: env['RSGO_ADMIN_PASSWORD'] }),
  });
  const { token } = (await login.json()) as { token: string };
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${proc.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const environments = (await call('GET', '/api/environments')).body['environments'] as Array<{ id: string; isDefault: boolean }>;
  const environmentId = environments.find((e) => e.isDefault)?.id ?? '';
  return { call, environmentId };
}

/**
 * Starts a deploy of `stackName` and kills the host process (SIGKILL) once `inFlight` says the
 * deploy is under way. The catalog loads in the background at start, so an early "not found"
 * is retried.
 */
async function crashDuringDeploy(proc: HostProcess, client: Awaited<ReturnType<typeof signIn>>, stackName: string, inFlight: () => Promise<boolean>) {
  for (;;) {
    const request = client.call('POST', '/api/deployments', { environmentId: client.environmentId, stackName, productId: 'stacks:App' }).catch(() => null);
    const early = await Promise.race([request, sleep(1500).then(() => undefined)]);
    if (early === undefined) break;
    if (early?.body['code'] !== 'PRODUCT_NOT_FOUND') throw new Error(`the deploy did not start: ${JSON.stringify(early)}`);
    await sleep(200);
  }
  await eventually('the deploy to be under way', 60_000, async () => ((await inFlight()) ? true : undefined));
  proc.child.kill('SIGKILL');
  await proc.exited;
}

/** The deployment of `stackName` once recovery settled it (status no longer Installing). */
async function recovered(client: Awaited<ReturnType<typeof signIn>>, stackName: string) {
  return eventually('recovery to settle the deployment', 90_000, async () => {
    const list = (await client.call('GET', '/api/deployments')).body['deployments'] as Array<{ id: string; stackName: string; status: string }>;
    const found = list.find((d) => d.stackName === stackName);
    if (!found || found.status === 'Installing') return undefined;
    return (await client.call('GET', `/api/deployments/${found.id}`)).body['deployment'] as Record<string, unknown>;
  });
}

const running = async (container: string) => (await docker('container', 'ls', '--quiet', '--filter', `name=^${container}$`)) !== '';

test('a deploy cut off by a crash during its init container ends Failed after the restart, and can be deployed again', async (t) => {
  const image = await images.push('app');
  const installation = await install(
    t,
    `metadata: { name: App, productVersion: "1.0.0" }
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
  );
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

test('a deploy cut off by a crash while its service became healthy ends Running after the restart', async (t) => {
  const image = await images.push('app');
  const installation = await install(
    t,
    `metadata: { name: App, productVersion: "1.0.0" }
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
  );
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

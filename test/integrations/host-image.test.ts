import test, { type ExecutionContext } from 'ava';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chown, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { dump, load } from 'js-yaml';
import { idleCommand, removeEnvironmentResources } from '../support/deploy-host.js';
import { docker, dockerInspect } from '../support/docker-cli.js';
import { freePort } from '../support/free-port.js';
import { send } from '../support/host-installation.js';
import { eventually } from '../support/host-process.js';
import { testImages } from '../support/test-images.js';

const run = promisify(execFile);
const images = testImages('host-image');
/** The local stand-in for the official Node 20 image (scripts/build-node-base.sh). */
const NODE_BASE = process.env['RSGO_NODE_BASE_IMAGE'] ?? 'rsgo-node-base:20-bookworm';
const SOCKET = '/var/run/docker.sock';
const TAG = `rsgo-test/host-image:${randomBytes(4).toString('hex')}`;

/** The host image, built once for this file's tests as CI and users build it. */
let built: Promise<string> | undefined;
function hostImage(): Promise<string> {
  built ??= (async () => {
    await run('bash', ['scripts/build-node-base.sh', NODE_BASE], { maxBuffer: 16 * 1024 * 1024 });
    await run('docker', ['build', '--quiet', '--build-arg', `NODE_IMAGE=${NODE_BASE}`, '--tag', TAG, '.'], { maxBuffer: 16 * 1024 * 1024 });
    return TAG;
  })();
  return built;
}
test.after.always(() => docker('image', 'rm', '--force', TAG).catch(() => undefined));

/** The container answers as installed: healthy, only the socket and the data folder mounted, as the non-root user. */
async function assertInstalled(t: ExecutionContext, container: string): Promise<void> {
  // The image's HEALTHCHECK turns the container healthy once the host answers /healthz.
  await eventually('the container to be healthy', 120_000, async () => {
    const health = await docker('container', 'inspect', '--format', '{{.State.Health.Status}}', container);
    if (health === 'unhealthy') throw new Error(`the container is unhealthy:\n${await docker('logs', container)}`);
    return health === 'healthy' ? true : undefined;
  });
  const inspected = await dockerInspect<{ Mounts: Array<{ Destination: string }> }>('container', container);
  t.deepEqual(inspected.Mounts.map((m) => m.Destination).sort(), ['/data', SOCKET]);
  t.is(await docker('exec', container, 'id', '-u'), '1000', 'the host runs as the non-root user node');
}

/**
 * What an operator then does, with the CLI inside the image: signs in, puts a manifest in the
 * catalog folder and syncs it, deploys it, creates a pipeline's key; then the pipeline's
 * redeploy through the published port replaces the stack's container.
 */
async function redeployThroughHost(t: ExecutionContext, container: string, url: string): Promise<void> {
  const suffix = randomBytes(4).toString('hex');
  const image = await images.push('app');
  const token = await docker('exec', container, 'sh', '-c', 'printf "%s\\n" "$RSGO_ADMIN_PASSWORD" | rsgo login');
  const manifest = `metadata: { name: App, productVersion: "1.0.0" }\nservices:\n  app:\n    image: ${image.ref}\n    command: ${idleCommand()}\n`;
  await docker('exec', '--env', `MANIFEST=${manifest}`, container, 'sh', '-c', 'printf "%s" "$MANIFEST" > /data/catalog/app.yaml');
  await docker('exec', '--env', `RSGO_TOKEN=${token}`, container, 'rsgo', 'catalog', 'sync');

  const admin = (method: string, path: string, body?: unknown) => send(`${url}${path}`, method, { authorization: `Bearer ${token}` }, body);
  const environments = (await admin('GET', '/api/environments')).body['environments'] as Array<{ id: string; isDefault: boolean }>;
  const environmentId = environments.find((e) => e.isDefault)?.id ?? '';
  t.teardown(() => removeEnvironmentResources(environmentId));
  const created = JSON.parse(
    await docker('exec', '--env', `RSGO_TOKEN=${token}`, container, 'rsgo', 'keys', 'create', 'ci', '--permission', 'redeploy', '--env', environmentId, '--json'),
  ) as { apiKey: { fullKey: string } };

  const stackName = `image-${suffix}`;
  const deployed = await admin('POST', '/api/deployments', { environmentId, stackName, productId: 'stacks:App', version: '1.0.0' });
  t.is(deployed.status, 201, JSON.stringify(deployed.body));
  const before = await docker('container', 'inspect', '--format', '{{.Id}}', `${stackName}_app`);

  const redeployed = await send(`${url}/api/hooks/redeploy`, 'POST', { 'x-api-key': created.apiKey.fullKey }, { stackName });
  t.is(redeployed.status, 200, JSON.stringify(redeployed.body));
  t.like(redeployed.body, { success: true, message: `Successfully triggered redeploy of '${stackName}'.`, deploymentId: deployed.body['deploymentId'] });
  const after = await docker('container', 'inspect', '--format', '{{.Id}} {{.State.Status}}', `${stackName}_app`);
  t.not(after.split(' ')[0], before, 'the redeploy replaced the container');
  t.is(after.split(' ')[1], 'running');
}

test('the host image builds from a local Node base, runs with docker run as a non-root user with the socket and one data folder, and redeploys a stack through its hook', async (t) => {
  const tag = await hostImage();
  // The data folder as an operator prepares it: owned by the image's user.
  const dataDir = await mkdtemp(join(tmpdir(), 'rsgo-image-data-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  await mkdir(join(dataDir, 'catalog'));
  await Promise.all([dataDir, join(dataDir, 'catalog')].map((path) => chown(path, 1000, 1000)));

  const name = `rsgo-image-${randomBytes(4).toString('hex')}`;
  await docker(
    'run', '--detach', '--name', name,
    '--publish', '127.0.0.1::8080',
    '--volume', `${SOCKET}:${SOCKET}`, '--group-add', String((await stat(SOCKET)).gid),
    '--volume', `${dataDir}:/data`,
    '--env', `RSGO_ADMIN_PASSWORD=${randomBytes(12).toString('hex')}`,
    tag,
  );
  t.teardown(() => docker('container', 'rm', '--force', '--volumes', name).catch(() => undefined));

  await assertInstalled(t, name);
  await redeployThroughHost(t, name, `http://${await docker('port', name, '8080/tcp')}`);
  // What the host keeps is in the one data folder.
  t.true((await stat(join(dataDir, 'rsgo.sqlite'))).isFile());
});

interface StackFile {
  services: { host: { image: string; ports: Array<Record<string, unknown>> } };
}

test('the Swarm stack file runs the host as a service on this manager, and a redeploy goes through it', async (t) => {
  const suffix = randomBytes(4).toString('hex');
  // Swarm nodes pull: the image goes to a registry they reach, as the stack file says.
  const pushed = `127.0.0.1:5000/rsgo-test/host-image:${suffix}`;
  await docker('tag', await hostImage(), pushed);
  t.teardown(() => docker('image', 'rm', '--force', pushed).catch(() => undefined));
  await docker('push', pushed);

  // The example file as it is, but for the image and a port free on this machine.
  const file = load(await readFile(new URL('../../examples/swarm/rsgo-stack.yml', import.meta.url), 'utf8')) as StackFile;
  const port = await freePort();
  file.services.host.image = pushed;
  file.services.host.ports = file.services.host.ports.map((mapping) => ({ ...mapping, published: port }));
  const dir = await mkdtemp(join(tmpdir(), 'rsgo-stack-file-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'rsgo-stack.yml'), dump(file));

  const stack = `rsgo-${suffix}`;
  const env = { ...process.env, DOCKER_GID: String((await stat(SOCKET)).gid), RSGO_ADMIN_PASSWORD: randomBytes(12).toString('hex') };
  await run('docker', ['stack', 'deploy', '--compose-file', join(dir, 'rsgo-stack.yml'), stack], { env });
  t.teardown(async () => {
    await docker('stack', 'rm', stack).catch(() => undefined);
    await eventually('the stack to be gone', 60_000, async () => ((await docker('ps', '--all', '--quiet', '--filter', `label=com.docker.stack.namespace=${stack}`)) === '' ? true : undefined));
    await docker('volume', 'rm', '--force', `${stack}_rsgo-data`).catch(() => undefined);
  });

  const container = await eventually('the service task to run', 120_000, async () => {
    const id = await docker('ps', '--quiet', '--filter', `label=com.docker.swarm.service.name=${stack}_host`);
    return id === '' ? undefined : id;
  });
  await assertInstalled(t, container);
  t.deepEqual(
    JSON.parse(await docker('service', 'inspect', '--format', '{{json .Spec.TaskTemplate.Placement.Constraints}}', `${stack}_host`)),
    ['node.role == manager'],
  );
  await redeployThroughHost(t, container, `http://127.0.0.1:${port}`);
});

import test from 'ava';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chown, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { idleCommand, removeEnvironmentResources } from '../support/deploy-host.js';
import { docker, dockerInspect } from '../support/docker-cli.js';
import { send } from '../support/host-installation.js';
import { eventually } from '../support/host-process.js';
import { testImages } from '../support/test-images.js';

const run = promisify(execFile);
const images = testImages('host-image');
/** The local stand-in for the official Node 20 image (scripts/build-node-base.sh). */
const NODE_BASE = process.env['RSGO_NODE_BASE_IMAGE'] ?? 'rsgo-node-base:20-bookworm';
const SOCKET = '/var/run/docker.sock';

test('the host image builds from a local Node base, runs as a non-root user with the socket and one data folder, and redeploys a stack through its hook', async (t) => {
  await run('bash', ['scripts/build-node-base.sh', NODE_BASE], { maxBuffer: 16 * 1024 * 1024 });
  const suffix = randomBytes(4).toString('hex');
  const tag = `rsgo-test/host-image:${suffix}`;
  await run('docker', ['build', '--quiet', '--build-arg', `NODE_IMAGE=${NODE_BASE}`, '--tag', tag, '.'], { maxBuffer: 16 * 1024 * 1024 });
  t.teardown(() => docker('image', 'rm', '--force', tag).catch(() => undefined));

  // The data folder as an operator prepares it: owned by the image's user, the catalog inside.
  const dataDir = await mkdtemp(join(tmpdir(), 'rsgo-image-data-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  const image = await images.push('app');
  await mkdir(join(dataDir, 'catalog'));
  await writeFile(
    join(dataDir, 'catalog', 'app.yaml'),
    `metadata: { name: App, productVersion: "1.0.0" }\nservices:\n  app:\n    image: ${image.ref}\n    command: ${idleCommand()}\n`,
  );
  await Promise.all([dataDir, join(dataDir, 'catalog'), join(dataDir, 'catalog', 'app.yaml')].map((path) => chown(path, 1000, 1000)));

  const password = randomBytes(12).toString('hex');
  const name = `rsgo-image-${suffix}`;
  const socketGroup = String((await stat(SOCKET)).gid);
  await docker(
    'run', '--detach', '--name', name,
    '--publish', '127.0.0.1::8080',
    '--volume', `${SOCKET}:${SOCKET}`, '--group-add', socketGroup,
    '--volume', `${dataDir}:/data`,
    '--env', `RSGO_ADMIN_PASSWORD=${password}`,
    tag,
  );
  t.teardown(() => docker('container', 'rm', '--force', '--volumes', name).catch(() => undefined));

  // The image's HEALTHCHECK turns the container healthy once the host answers /healthz.
  await eventually('the container to be healthy', 120_000, async () => {
    const health = await docker('container', 'inspect', '--format', '{{.State.Health.Status}}', name);
    if (health === 'unhealthy') throw new Error(`the container is unhealthy:\n${await docker('logs', name)}`);
    return health === 'healthy' ? true : undefined;
  });
  const inspected = await dockerInspect<{ Mounts: Array<{ Destination: string }>; Config: { User: string } }>('container', name);
  t.deepEqual(inspected.Mounts.map((m) => m.Destination).sort(), ['/data', SOCKET]);
  t.is(await docker('exec', name, 'id', '-u'), '1000', 'the host runs as the non-root user node');

  const url = `http://${await docker('port', name, '8080/tcp')}`;
  // The CLI inside the image: a session from the admin password, then a pipeline's key.
  const token = await docker('exec', name, 'sh', '-c', 'printf "%s\\n" "$RSGO_ADMIN_PASSWORD" | rsgo login');
  const admin = (method: string, path: string, body?: unknown) => send(`${url}${path}`, method, { authorization: `Bearer ${token}` }, body);
  const environments = (await admin('GET', '/api/environments')).body['environments'] as Array<{ id: string; isDefault: boolean }>;
  const environmentId = environments.find((e) => e.isDefault)?.id ?? '';
  t.teardown(() => removeEnvironmentResources(environmentId));
  const created = JSON.parse(
    await docker('exec', '--env', `RSGO_TOKEN=${token}`, name, 'rsgo', 'keys', 'create', 'ci', '--permission', 'redeploy', '--env', environmentId, '--json'),
  ) as { apiKey: { fullKey: string } };

  const stackName = `image-${suffix}`;
  // The catalog loads in the background after the start: "not found" until it has.
  const deployed = await eventually('the deploy', 60_000, async () => {
    const res = await admin('POST', '/api/deployments', { environmentId, stackName, productId: 'stacks:App', version: '1.0.0' });
    return res.body['code'] === 'PRODUCT_NOT_FOUND' ? undefined : res;
  });
  t.is(deployed.status, 201, JSON.stringify(deployed.body));
  const before = await docker('container', 'inspect', '--format', '{{.Id}}', `${stackName}_app`);

  const redeployed = await send(`${url}/api/hooks/redeploy`, 'POST', { 'x-api-key': created.apiKey.fullKey }, { stackName });
  t.is(redeployed.status, 200, JSON.stringify(redeployed.body));
  t.like(redeployed.body, { success: true, message: `Successfully triggered redeploy of '${stackName}'.`, deploymentId: deployed.body['deploymentId'] });
  const after = await docker('container', 'inspect', '--format', '{{.Id}} {{.State.Status}}', `${stackName}_app`);
  t.not(after.split(' ')[0], before, 'the redeploy replaced the container');
  t.is(after.split(' ')[1], 'running');
  // What the host keeps is in the one data folder.
  t.true((await stat(join(dataDir, 'rsgo.sqlite'))).isFile());
});

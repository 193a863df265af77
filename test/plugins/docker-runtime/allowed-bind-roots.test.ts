import test, { type ExecutionContext } from 'ava';
import { rmSync, symlinkSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { docker } from '../../support/docker-cli.js';
import { testImages } from '../../support/test-images.js';
import { idle, testPlan } from '../../support/test-plan.js';
import { startDockerRuntime } from './docker-runtime-fixture.js';

const images = testImages('docker-runtime-bind-roots');

/** A fresh folder with an `allowed` folder inside; both are removed when the test ends. */
async function tempFolders(t: ExecutionContext): Promise<{ folder: string; root: string }> {
  const folder = await mkdtemp(join(tmpdir(), 'rsgo-binds-'));
  t.teardown(() => rm(folder, { recursive: true, force: true }));
  const root = join(folder, 'allowed');
  await mkdir(root);
  return { folder, root };
}

const bind = (source: string, target: string, stackFolder?: string) => ({
  type: 'bind' as const,
  source,
  target,
  readOnly: false,
  ...(stackFolder === undefined ? {} : { stackFolder }),
});

/** The host paths the deployment's containers have bind-mounted. */
async function mountedSources(deploymentId: string): Promise<string[]> {
  const ids = (await docker('container', 'ls', '--all', '--quiet', '--filter', `label=rsgo.deployment=${deploymentId}`)).split('\n').filter(Boolean);
  if (ids.length === 0) return [];
  const out = await docker('container', 'inspect', '--format', '{{range .Mounts}}{{.Source}} {{end}}', ...ids);
  return out.split(/\s+/).filter(Boolean);
}

test('a bind inside an allowed root is mounted, at the path that was checked', async (t) => {
  const { folder, root } = await tempFolders(t);
  // `sub/..` would lead outside through the link if the engine resolved the path as written.
  await mkdir(join(folder, 'outside', 'deep'), { recursive: true });
  await symlink(join(folder, 'outside', 'deep'), join(root, 'sub'));
  const runtime = await startDockerRuntime(t, { allowedBindRoots: [root] });
  const image = await images.push('app');
  const plan = testPlan({
    services: { app: { image: image.ref, command: idle('echo written > /data/proof'), mounts: [bind(`${root}/sub/../app/data`, '/data')] } },
  });
  await runtime.carryOut(plan);
  t.is(await readFile(join(root, 'app', 'data', 'proof'), 'utf8'), 'written\n');
  t.deepEqual(await mountedSources(plan.deploymentId), [join(root, 'app', 'data')]);
  await t.throwsAsync(stat(join(folder, 'outside', 'app')), { code: 'ENOENT' });
});

test('binds outside the allowed roots, by path, by .. or across a link, fail the redeploy before anything changes', async (t) => {
  const { root } = await tempFolders(t);
  await symlink('/etc', join(root, 'innocent'));
  await mkdir(join(root, 'real'));
  await symlink(join(root, 'real'), join(root, 'alias'));
  const runtime = await startDockerRuntime(t, { allowedBindRoots: [root] });
  const image = await images.push('app');
  const first = testPlan({ services: { app: { image: image.ref, command: idle() } } });
  await runtime.carryOut(first);
  const running = await docker('container', 'inspect', '--format', '{{.Id}}', `${first.stackName}_app`);

  const hostile = testPlan({
    stackName: first.stackName,
    deploymentId: first.deploymentId,
    operation: 'redeploy',
    services: {
      app: {
        image: image.ref,
        command: idle(),
        mounts: [
          bind('/etc', '/host-etc'),
          bind(`${root}/../outside`, '/outside'),
          bind(join(root, 'innocent'), '/etc-copy'),
          bind(join(root, 'alias', 'data'), '/data'),
        ],
      },
    },
  });
  const error = await t.throwsAsync(runtime.run(hostile));
  t.like(error, { name: 'DeploymentFailedError', code: 'BIND_NOT_ALLOWED', status: 400 });
  t.is(
    error?.message,
    `Bind mount not allowed: service 'app' binds '/etc', which is outside ${root}; ` +
      `service 'app' binds '${root}/../outside', which is outside ${root}; ` +
      `service 'app' binds '${join(root, 'innocent')}', which crosses the symbolic link ${join(root, 'innocent')}; ` +
      `service 'app' binds '${join(root, 'alias', 'data')}', which crosses the symbolic link ${join(root, 'alias')}. ` +
      `Host paths outside a stack's folder must lie under the docker-runtime option allowedBindRoots (now ${root}).`,
  );
  t.is(await docker('container', 'inspect', '--format', '{{.Id}} {{.State.Status}}', `${first.stackName}_app`), `${running} running`);
});

test('by default no host path may be bound, the Docker socket included, while named volumes still work', async (t) => {
  const runtime = await startDockerRuntime(t);
  const image = await images.push('app');
  const withVolume = testPlan({ volumes: ['data'], services: { app: { image: image.ref, command: idle() } } });
  await runtime.carryOut({
    ...withVolume,
    services: withVolume.services.map((s) => ({ ...s, mounts: [{ type: 'volume', source: `${withVolume.stackName}_data`, target: '/data', readOnly: false }] })),
  });
  const withBind = testPlan({ services: { app: { image: image.ref, command: idle(), mounts: [bind('/', '/host'), bind('/var/run/docker.sock', '/var/run/docker.sock')] } } });
  await t.throwsAsync(runtime.run(withBind), {
    code: 'BIND_NOT_ALLOWED',
    message:
      "Bind mount not allowed: service 'app' binds '/', which is a host path; service 'app' binds '/var/run/docker.sock', which is a host path. " +
      "Host paths outside a stack's folder must lie under the docker-runtime option allowedBindRoots (now empty).",
  });
  t.deepEqual(await mountedSources(withBind.deploymentId), []);
});

test("a source relative to the stack is mounted inside the stack's folder and may not leave it through a link", async (t) => {
  const { folder } = await tempFolders(t);
  const stackFolder = join(folder, 'stacks', 'shop');
  await mkdir(join(stackFolder, 'escape'), { recursive: true });
  const runtime = await startDockerRuntime(t);
  const image = await images.push('app');
  const plan = testPlan({ services: { app: { image: image.ref, command: idle('echo kept > /data/proof'), mounts: [bind(join(stackFolder, 'data'), '/data', stackFolder)] } } });
  await runtime.carryOut(plan);
  t.is(await readFile(join(stackFolder, 'data', 'proof'), 'utf8'), 'kept\n');

  // What a container with the stack's folder mounted could write: a link out of it.
  await rm(join(stackFolder, 'escape'), { recursive: true });
  await symlink('/etc', join(stackFolder, 'escape'));
  const hostile = testPlan({ services: { app: { image: image.ref, command: idle(), mounts: [bind(join(stackFolder, 'escape'), '/data', stackFolder)] } } });
  await t.throwsAsync(runtime.run(hostile), {
    code: 'BIND_NOT_ALLOWED',
    message: new RegExp(`^Bind mount not allowed: service 'app' binds '${join(stackFolder, 'escape')}', which crosses the symbolic link ${join(stackFolder, 'escape')}\\.`),
  });
  t.deepEqual(await mountedSources(hostile.deploymentId), []);
});

/**
 * Deploys a service binding `<root>/data` and swaps that folder for a link to `/etc` when the
 * runtime reports `step`; resolves the deploy's failure.
 */
async function swapDuring(t: ExecutionContext, step: 'pulled' | 'start') {
  const { root } = await tempFolders(t);
  const data = join(root, 'data');
  await mkdir(data);
  const runtime = await startDockerRuntime(t, { allowedBindRoots: [root] });
  const image = await images.push('app');
  const plan = testPlan({ services: { app: { image: image.ref, command: idle(), mounts: [bind(data, '/data')] } } });
  let swapped = false;
  const error = await t.throwsAsync(
    runtime.run(plan, {
      onProgress: (event) => {
        if (event.step !== step || swapped) return;
        swapped = true;
        rmSync(data, { recursive: true });
        symlinkSync('/etc', data);
      },
    }),
  );
  t.true(swapped);
  t.like(error, { code: 'BIND_NOT_ALLOWED' });
  t.regex(error?.message ?? '', /crosses the symbolic link/);
  return plan;
}

test('a bind folder swapped for a link during the pull is refused before its container is created', async (t) => {
  const plan = await swapDuring(t, 'pulled');
  t.deepEqual(await mountedSources(plan.deploymentId), []);
});

test('a bind folder swapped for a link after the container was created is refused before it starts', async (t) => {
  const plan = await swapDuring(t, 'start');
  const states = await docker('container', 'ls', '--all', '--format', '{{.State}}', '--filter', `label=rsgo.deployment=${plan.deploymentId}`);
  t.is(states, 'created', 'the container never ran');
});

import test, { type ExecutionContext } from 'ava';
import { mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { docker } from '../../support/docker-cli.js';
import { testImages } from '../../support/test-images.js';
import { idle, testPlan } from '../../support/test-plan.js';
import { startDockerRuntime } from './docker-runtime-fixture.js';

const images = testImages('docker-runtime-bind-roots');

async function allowedRoot(t: ExecutionContext): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'rsgo-binds-'));
  t.teardown(() => rm(folder, { recursive: true, force: true }));
  const root = join(folder, 'allowed');
  await mkdir(root);
  return root;
}

const bind = (source: string, target: string) => ({ type: 'bind' as const, source, target, readOnly: false });

test('a bind inside an allowed root is mounted', async (t) => {
  const root = await allowedRoot(t);
  const runtime = await startDockerRuntime(t, { allowedBindRoots: [root] });
  const image = await images.push('app');
  const plan = testPlan({ services: { app: { image: image.ref, command: idle('echo written > /data/proof'), mounts: [bind(join(root, 'app', 'data'), '/data')] } } });
  await runtime.carryOut(plan);
  t.is(await readFile(join(root, 'app', 'data', 'proof'), 'utf8'), 'written\n');
});

test('binds outside the allowed roots, by path, by .. or through a link, fail the redeploy before anything changes', async (t) => {
  const root = await allowedRoot(t);
  await symlink('/etc', join(root, 'innocent'));
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
        mounts: [bind('/etc', '/host-etc'), bind(`${root}/../outside`, '/outside'), bind(join(root, 'innocent'), '/etc-copy')],
      },
    },
  });
  const error = await t.throwsAsync(runtime.run(hostile));
  t.like(error, { name: 'DeploymentFailedError', code: 'BIND_NOT_ALLOWED', status: 400 });
  t.is(
    error?.message,
    `bind mounts must stay inside ${root}: service 'app' binds '/etc'; ` +
      `service 'app' binds '${root}/../outside' (${join(root, '..', 'outside')}); service 'app' binds '${join(root, 'innocent')}' (/etc). Nothing was changed.`,
  );
  t.is(await docker('container', 'inspect', '--format', '{{.Id}} {{.State.Status}}', `${first.stackName}_app`), `${running} running`);
});

test('an empty list of allowed roots refuses every bind while named volumes still work', async (t) => {
  const root = await allowedRoot(t);
  const runtime = await startDockerRuntime(t, { allowedBindRoots: [] });
  const image = await images.push('app');
  const withVolume = testPlan({ volumes: ['data'], services: { app: { image: image.ref, command: idle() } } });
  await runtime.carryOut({
    ...withVolume,
    services: withVolume.services.map((s) => ({ ...s, mounts: [{ type: 'volume', source: `${withVolume.stackName}_data`, target: '/data', readOnly: false }] })),
  });
  const withBind = testPlan({ services: { app: { image: image.ref, command: idle(), mounts: [bind(root, '/data')] } } });
  await t.throwsAsync(runtime.run(withBind), { message: `bind mounts are not allowed here: service 'app' binds '${root}'. Nothing was changed.` });
});

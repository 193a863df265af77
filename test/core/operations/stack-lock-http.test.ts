import test from 'ava';
import { randomBytes } from 'node:crypto';
import { containersLabelled, idleCommand, useDeployHost, type DeployTestHost } from '../../support/deploy-host.js';
import { eventually } from '../../support/host-process.js';
import { testImages } from '../../support/test-images.js';

const images = testImages('deployments-stack-lock');

/** A product whose init container takes `${INIT_SECONDS}` (default 0) before the service starts. */
async function slowManifest(): Promise<Record<string, string>> {
  const image = await images.push('app');
  return {
    'slow.yaml': `metadata: { name: Slow, productVersion: "1.0.0" }
variables:
  INIT_SECONDS: { default: "0" }
services:
  init:
    image: ${image.ref}
    lifecycle: init
    command: ["sleep", "\${INIT_SECONDS}"]
  app:
    image: ${image.ref}
    command: ${idleCommand()}
`,
  };
}

function deploy(host: DeployTestHost, stackName: string, initSeconds: number) {
  return host
    .admin('POST', '/api/deployments', { environmentId: host.environmentId, stackName, productId: 'stacks:Slow', variables: { INIT_SECONDS: String(initSeconds) } })
    .then((res) => ({ ...res, at: Date.now() }));
}

test.serial('a second operation on a busy stack gives up after the bounded wait with a 409; another stack deploys meanwhile', async (t) => {
  const host = await useDeployHost(t, { manifests: await slowManifest(), config: { deployments: { timeoutSeconds: 300, lockWaitSeconds: 1, leaseSeconds: 5 } } });
  const busy = `slow-${randomBytes(4).toString('hex')}`;
  const other = `fast-${randomBytes(4).toString('hex')}`;

  const slow = deploy(host, busy, 12);
  await new Promise((done) => setTimeout(done, 1500));
  const [refused, parallel] = await Promise.all([deploy(host, busy, 0), deploy(host, other, 0)]);
  const finished = await slow;

  t.is(refused.status, 409);
  t.like(refused.body, {
    success: false,
    code: 'STACK_BUSY',
    message: `Another operation on stack '${busy}' in environment '${host.environmentId}' is still running after 1s; try again later.`,
  });
  t.is(parallel.status, 201, parallel.text);
  t.is(finished.status, 201, finished.text);
  t.true(parallel.at < finished.at, 'the other stack did not wait for the busy one');
});

test.serial('an operation that waits for the stack sees the state the first one left', async (t) => {
  const host = await useDeployHost(t, { manifests: await slowManifest() });
  const stackName = `slow-${randomBytes(4).toString('hex')}`;
  const first = deploy(host, stackName, 6);
  await new Promise((done) => setTimeout(done, 1500));
  const second = await deploy(host, stackName, 0);
  t.is((await first).status, 201);
  t.is(second.status, 409);
  t.is(second.body['code'], 'STACK_EXISTS');
  t.true(second.at >= (await first).at);
});

test.serial('a deploy whose stack lease another host took stops before its next engine change and says so', async (t) => {
  const host = await useDeployHost(t, { manifests: await slowManifest(), config: { deployments: { timeoutSeconds: 300, lockWaitSeconds: 5, leaseSeconds: 3 } } });
  const stackName = `lost-${randomBytes(4).toString('hex')}`;
  const deploying = deploy(host, stackName, 600);
  await eventually('the init container to run', 120_000, async () => ((await containersLabelled('rsgo.stack', stackName)).some((c) => c.endsWith(' running')) ? true : undefined));
  // As a host that found the lease run out (a stalled database) would have taken it over.
  const taken = await host.host.host.store('stack_leases').where({ environment_id: host.environmentId, stack_key: stackName }).update({ holder: 'other-host' });
  t.is(taken, 1);

  const res = await deploying;
  t.true(res.status >= 400, res.text);
  t.regex(String(res.body['message']), new RegExp(`the lock on stack '${stackName}' was lost \\(another holder has it\\)`));
  t.deepEqual(
    (await containersLabelled('rsgo.stack', stackName)).map((c) => c.split(' ')[0]),
    [`${stackName}_init`],
    'the service after the init container was never created',
  );
  t.is(await host.host.host.store('stack_leases').where({ holder: 'other-host' }).count({ n: '*' }).first().then((row) => Number(row?.['n'])), 1, "the other host's lease stays");
});

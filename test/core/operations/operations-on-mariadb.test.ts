import test from 'ava';
import { randomBytes } from 'node:crypto';
import { createKey } from '../../support/api-keys.js';
import { docker } from '../../support/docker-cli.js';
import { containersLabelled, idleCommand, useDeployHost, type DeployTestHost } from '../../support/deploy-host.js';
import { testImages } from '../../support/test-images.js';

/**
 * One representative run of each operation on deployments (deploy, redeploy, upgrade, rollback,
 * product deploy, remove) on MariaDB: the other files run them on SQLite, and the two databases
 * differ in what they refuse (column widths, text sizes, `INSERT IGNORE`). Recovery runs on both
 * databases in `store-failures.test.ts`, `crash-recovery.test.ts` and `host-killed.test.ts`.
 */
const images = testImages('operations-on-mariadb');

/** A reverse-domain product id whose product lock key (`product:<id>`) is longer than 100 characters. */
const longProductId = `com.example.${'a-rather-long-product-name-'.repeat(4)}suite`;

function web(version: string, image: string, command = idleCommand()): string {
  return `metadata: { name: Web, productId: com.example.web, productVersion: "${version}" }
variables:
  GREETING: { default: hello }
services:
  app:
    image: ${image}
    restart: "no"
    command: ${command}
    environment: { GREETING: "\${GREETING}" }
`;
}

async function mariaDbHost(t: Parameters<typeof useDeployHost>[0]): Promise<DeployTestHost> {
  const v1 = await images.push('app', { tag: '1', variant: 'v1' });
  const v2 = await images.push('app', { tag: '2', variant: 'v2' });
  return useDeployHost(t, {
    engine: 'mysql',
    manifests: {
      'web-1.yaml': web('1.0.0', v1.ref),
      'web-2.yaml': web('2.0.0', v2.ref),
      'web-3.yaml': web('3.0.0', v2.ref, JSON.stringify(['sh', '-c', 'echo "schema too new" >&2; exit 3'])),
      'long.yaml': `metadata: { name: Long, productId: ${longProductId}, productVersion: "1.0.0" }
stacks:
  one:
    metadata: { name: One }
    services:
      one: { image: ${v1.ref}, command: ${idleCommand()} }
  two:
    metadata: { name: Two }
    services:
      two: { image: ${v1.ref}, command: ${idleCommand()} }
`,
    },
  });
}

const inContainer = (container: string, script: string) => docker('exec', container, 'sh', '-c', script);

test.serial('deploy, redeploy, upgrade, rollback and remove on MariaDB', async (t) => {
  const host = await mariaDbHost(t);
  const stackName = `web-${randomBytes(4).toString('hex')}`;
  const key = await createKey(t, host, { name: 'pipeline', permissions: ['Hooks.Redeploy', 'Hooks.Upgrade'], environmentId: host.environmentId });
  const hook = (path: string, body: Record<string, unknown>) => host.host.request('POST', path, { apiKey: key.fullKey, body });
  const record = async (id: string) => (await host.admin('GET', `/api/deployments/${id}`)).body['deployment'] as Record<string, unknown>;

  const deployed = await host.admin('POST', '/api/deployments', { environmentId: host.environmentId, stackName, productId: 'com.example.web', version: '1.0.0' });
  t.is(deployed.status, 201, deployed.text);
  const id = String(deployed.body['deploymentId']);

  const redeployed = await hook('/api/hooks/redeploy', { stackName, variables: { GREETING: 'moin' } });
  t.is(redeployed.status, 200, redeployed.text);
  t.is(await inContainer(`${stackName}_app`, 'echo $GREETING'), 'moin');

  const upgraded = await hook('/api/hooks/upgrade', { stackName, targetVersion: '2.0.0' });
  t.is(upgraded.status, 200, upgraded.text);
  t.is(await inContainer(`${stackName}_app`, 'cat /variant'), 'v2');

  // 3.0.0 exits at start: the upgrade fails and 2.0.0 is put back.
  const rolledBack = await hook('/api/hooks/upgrade', { stackName, targetVersion: '3.0.0' });
  t.is(rolledBack.status, 400, rolledBack.text);
  t.regex(String(rolledBack.body['message']), /Rolled back to 2\.0\.0\.$/);
  t.like(await record(id), { status: 'Running', stackVersion: '2.0.0' });
  t.deepEqual(
    ((await record(id))['history'] as Array<Record<string, unknown>>).map((h) => [h.operation, h.outcome]),
    [
      ['deploy', 'Succeeded'],
      ['redeploy', 'Succeeded'],
      ['upgrade', 'Succeeded'],
      ['upgrade', 'Failed'],
      ['rollback', 'Succeeded'],
    ],
  );

  const removed = await host.admin('DELETE', `/api/deployments/${id}`);
  t.is(removed.status, 200, removed.text);
  t.like(await record(id), { status: 'Removed' });
  t.deepEqual(await containersLabelled('rsgo.stack', stackName), []);
});

test.serial('a product whose lock key is longer than 100 characters deploys on MariaDB, and a second deploy of it is refused', async (t) => {
  const host = await mariaDbHost(t);
  const name = `long${randomBytes(3).toString('hex')}`;
  const deploy = () => host.admin('POST', '/api/product-deployments', { environmentId: host.environmentId, productId: longProductId, deploymentName: name });

  const [first, second] = await Promise.all([deploy(), deploy()]);

  // Both calls take the product's lock in turn: one deploys, the other finds it deployed.
  t.deepEqual([first.status, second.status].sort(), [201, 409], `${first.text}\n${second.text}`);
  const created = first.status === 201 ? first : second;
  t.like(created.body, { status: 'Running' });
  t.is(await inContainer(`${name}-one_one`, 'cat /variant'), 'v1');
  t.is(await inContainer(`${name}-two_two`, 'cat /variant'), 'v1');
});

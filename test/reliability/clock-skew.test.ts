import test from 'ava';
import { randomBytes } from 'node:crypto';
import { createKey } from '../support/api-keys.js';
import { createMysqlDatabase } from '../support/databases.js';
import { idleCommand, useDeployHost, type DeployTestHost } from '../support/deploy-host.js';
import { testImages } from '../support/test-images.js';

const images = testImages('reliability-clock-skew');

const STACKS = 3;
/** Redeploys each host is asked for per stack, all at once. */
const CALLS_PER_HOST = 3;
/** Far more than the test hosts' 5-second lease. */
const SKEW_MS = 3_600_000;

interface HistoryEntry {
  readonly operation: string;
  readonly outcome: string;
  readonly startedAt: string;
  readonly finishedAt: string | null;
}

async function historyOf(host: DeployTestHost, deploymentId: string): Promise<HistoryEntry[]> {
  return ((await host.admin('GET', `/api/deployments/${deploymentId}`)).body['deployment'] as { history: HistoryEntry[] }).history;
}

test.serial("two hosts on one MariaDB database, one clock an hour ahead, never run two operations on one stack at once: leases go by the database's clock", async (t) => {
  const image = await images.push('app');
  const manifests = { 'app.yaml': `metadata: { name: App, productVersion: "1.0.0" }\nservices:\n  app:\n    image: ${image.ref}\n    command: ${idleCommand()}\n` };
  const database = { client: 'mysql', url: await createMysqlDatabase(t) };
  const env = { RSGO_ADMIN_USER: 'admin', RSGO_ADMIN_PASSWORD: randomBytes(12).toString('hex') };
  const punctual = await useDeployHost(t, { database, manifests, env });
  // The skewed host sees every lease the other writes as long run out, were it to judge by its own clock.
  const skewed = await useDeployHost(t, { database, manifests, env, clock: () => Date.now() + SKEW_MS });
  t.is(skewed.environmentId, punctual.environmentId);
  // The skewed host signed in last: the other host's session still counts (a host's clock
  // running ahead must not end the sessions it sees as expired).
  const key = await createKey(t, punctual, { name: 'ci', permissions: ['Hooks.Redeploy'], environmentId: punctual.environmentId });

  const stacks = Array.from({ length: STACKS }, () => `skew-${randomBytes(4).toString('hex')}`);
  const deploymentIds: string[] = [];
  for (const stackName of stacks) {
    const deployed = await punctual.admin('POST', '/api/deployments', { environmentId: punctual.environmentId, stackName, productId: 'stacks:App' });
    t.is(deployed.status, 201, deployed.text);
    deploymentIds.push(String(deployed.body['deploymentId']));
  }

  const calls = stacks.flatMap((stackName) =>
    [punctual, skewed].flatMap((host) =>
      Array.from({ length: CALLS_PER_HOST }, () => host.host.request('POST', '/api/hooks/redeploy', { apiKey: key.fullKey, body: { stackName } })),
    ),
  );
  const answers = await Promise.all(calls);
  t.deepEqual(answers.map((res) => res.status), answers.map(() => 200), answers.map((res) => res.text).join('\n'));

  for (const deploymentId of deploymentIds) {
    const redeploys = (await historyOf(skewed, deploymentId)).filter((entry) => entry.operation === 'redeploy');
    t.is(redeploys.length, 2 * CALLS_PER_HOST);
    t.true(redeploys.every((entry) => entry.outcome === 'Succeeded'), JSON.stringify(redeploys));
    const spans = redeploys
      .map((entry) => ({ from: Date.parse(entry.startedAt), to: Date.parse(entry.finishedAt ?? '') }))
      .sort((a, b) => a.from - b.from);
    for (const [i, span] of spans.slice(1).entries()) {
      const before = spans[i];
      t.true(before !== undefined && before.to <= span.from, `operations overlap on ${deploymentId}: ${JSON.stringify(spans)}`);
    }
  }
});

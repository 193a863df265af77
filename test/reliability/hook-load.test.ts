import test from 'ava';
import { randomBytes } from 'node:crypto';
import { createKey } from '../support/api-keys.js';
import { databaseEngines } from '../support/databases.js';
import { docker } from '../support/docker-cli.js';
import { idleCommand, useDeployHost } from '../support/deploy-host.js';
import { testImages } from '../support/test-images.js';

const images = testImages('reliability-hook-load');

const STACKS = 20;
const CALLS_PER_STACK = 10;

interface HistoryEntry {
  readonly operation: string;
  readonly outcome: string;
  readonly startedAt: string;
  readonly finishedAt: string | null;
}

/** The deployment's containers, as `<state>` each. */
async function containerStates(deploymentId: string): Promise<string[]> {
  const out = await docker('container', 'ls', '--all', '--format', '{{.State}}', '--filter', `label=rsgo.deployment=${deploymentId}`);
  return out.split('\n').filter(Boolean);
}

for (const engine of databaseEngines) {
  test.serial(`${STACKS * CALLS_PER_STACK} redeploy hook calls at once across ${STACKS} stacks are all answered, one at a time per stack (${engine})`, async (t) => {
    // Correctness only: how long it takes depends on the machine and is just reported.
    t.timeout(40 * 60_000);
    const image = await images.push('app');
    // All stacks share one network: the engine's pool of address ranges is small and shared.
    const network = `rsgo-load-${randomBytes(4).toString('hex')}`;
    await docker('network', 'create', network);
    t.teardown(() => docker('network', 'rm', network).catch(() => ''));
    const host = await useDeployHost(t, {
      engine,
      // The image is on the engine after the first deploy: the test loads the host, not the registry.
      runtimeOptions: { pull: 'if-missing' },
      // A stack's tenth call waits for nine redeploys before it; on a busy machine that is minutes.
      config: { deployments: { timeoutSeconds: 1800, lockWaitSeconds: 1800, leaseSeconds: 5 } },
      manifests: {
        'load.yaml': `metadata: { name: Load, productVersion: "1.0.0" }
variables:
  CALL: { default: "none" }
networks:
  ${network}: { external: true }
services:
  app:
    image: ${image.ref}
    command: ${idleCommand()}
    environment: { CALL: "\${CALL}" }
    networks: [${network}]
`,
      },
    });
    const prefix = `load-${randomBytes(3).toString('hex')}`;
    const stacks = Array.from({ length: STACKS }, (_, i) => `${prefix}-${i}`);
    const deploymentIds = new Map<string, string>();
    for (const stackName of stacks) {
      const deployed = await host.admin('POST', '/api/deployments', { environmentId: host.environmentId, stackName, productId: 'stacks:Load' });
      t.is(deployed.status, 201, deployed.text);
      deploymentIds.set(stackName, String(deployed.body['deploymentId']));
    }
    const key = await createKey(t, host, { name: 'load', permissions: ['Hooks.Redeploy'], environmentId: host.environmentId });

    const started = performance.now();
    const calls = stacks.flatMap((stackName) =>
      Array.from({ length: CALLS_PER_STACK }, (_, call) =>
        host.host.request('POST', '/api/hooks/redeploy', { apiKey: key.fullKey, body: { stackName, variables: { CALL: String(call) } } }),
      ),
    );
    const answers = await Promise.all(calls);
    const seconds = (performance.now() - started) / 1000;
    const statuses: Record<string, number> = {};
    for (const answer of answers) statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
    t.log(`${answers.length} calls answered in ${seconds.toFixed(0)} s: ${JSON.stringify(statuses)}`);
    t.deepEqual(statuses, { 200: STACKS * CALLS_PER_STACK }, 'every call answered with success');

    for (const stackName of stacks) {
      const deploymentId = deploymentIds.get(stackName) ?? '';
      t.deepEqual(await containerStates(deploymentId), ['running'], `${stackName}: exactly one container, running`);
      const record = (await host.admin('GET', `/api/deployments/${deploymentId}`)).body['deployment'] as Record<string, unknown>;
      t.like(record, { status: 'Running', errorMessage: null }, stackName);
      const history = record['history'] as HistoryEntry[];
      const redeploys = history.filter((entry) => entry.operation === 'redeploy');
      t.is(history.length, 1 + CALLS_PER_STACK, `${stackName}: the deploy and every redeploy are in the history`);
      t.true(
        redeploys.every((entry) => entry.outcome === 'Succeeded'),
        `${stackName}: ${JSON.stringify(redeploys.map((e) => e.outcome))}`,
      );
      // Serialized: each operation on the stack started after the one before it finished.
      const spans = history.map((entry) => [Date.parse(entry.startedAt), Date.parse(entry.finishedAt ?? '')] as const).sort((a, b) => a[0] - b[0]);
      const overlapping = spans.filter(([start], i) => i > 0 && start < (spans[i - 1]?.[1] ?? Infinity));
      t.is(overlapping.length, 0, `${stackName}: no two operations overlap`);
    }
  });
}

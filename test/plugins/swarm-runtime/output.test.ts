import test, { type ExecutionContext } from 'ava';
import { randomBytes } from 'node:crypto';
import { createKey, type CreatedKey } from '../../support/api-keys.js';
import { idleCommand, useDeployHost, type DeployTestHost } from '../../support/deploy-host.js';
import { readEventStream, type ReceivedEvent } from '../../support/event-stream-client.js';
import { runCli } from '../../support/run-cli.js';
import { cleanUpSwarmDeployments } from '../../support/swarm-cleanup.js';
import { testImages } from '../../support/test-images.js';

const images = testImages('swarm-runtime-output');
const PASSWORD = `pw-${randomBytes(6).toString('hex')}`;
const swarmPlugin = { use: 'swarm-runtime', options: { stopTimeoutSeconds: 1, convergeTimeoutSeconds: 120 } };

/** A migration's output: a line with the password, `step 1` to `step 20`, a line on stderr. */
const MIGRATION = 'echo "migrating as admin:$DB_PASSWORD"; i=1; while [ $i -le 20 ]; do echo "step $i"; i=$((i+1)); done; echo "migration done" >&2';
const MIGRATION_STEPS = Array.from({ length: 20 }, (_, i) => `step ${i + 1}`);

/**
 * A swarm environment with product `com.example.swarmtalk` (Password variable DB_PASSWORD): the
 * init job `migrate` runs `migration`, then service `app` (2 replicas) says hello with the
 * password and idles.
 */
async function talkingHost(t: ExecutionContext, migration: string): Promise<{ host: DeployTestHost; environmentId: string }> {
  const image = await images.push('talk');
  const manifest = `metadata: { name: SwarmTalk, productId: com.example.swarmtalk, productVersion: "1.0.0" }
variables:
  DB_PASSWORD: { type: Password, required: true }
services:
  migrate:
    image: ${image.ref}
    lifecycle: init
    environment: { DB_PASSWORD: "\${DB_PASSWORD}" }
    command: ["sh", "-c", ${JSON.stringify(migration)}]
    volumes: ["state:/state"]
  app:
    image: ${image.ref}
    replicas: 2
    environment: { DB_PASSWORD: "\${DB_PASSWORD}" }
    command: ${idleCommand('echo "app up with $DB_PASSWORD"; echo "app warming up on stderr" >&2')}
`;
  const host = await useDeployHost(t, { extraPlugins: [swarmPlugin], manifests: { 'swarmtalk.yaml': manifest } });
  const environment = await host.admin('POST', '/api/environments', { name: 'swarm', type: 'swarm' });
  t.is(environment.status, 201, environment.text);
  return { host, environmentId: String((environment.body['environment'] as Record<string, unknown>)['id']) };
}

/** Deploys the product under a new stack name; a key that may redeploy it. */
async function deployed(t: ExecutionContext, host: DeployTestHost, environmentId: string): Promise<{ stackName: string; key: CreatedKey }> {
  const stackName = `talk-${randomBytes(4).toString('hex')}`;
  const created = await host.admin('POST', '/api/deployments', { environmentId, stackName, productId: 'com.example.swarmtalk', variables: { DB_PASSWORD: PASSWORD } });
  t.is(created.status, 201, created.text);
  cleanUpSwarmDeployments(t, String(created.body['deploymentId']));
  return { stackName, key: await createKey(t, host, { name: 'ci', permissions: ['Hooks.Redeploy'], environmentId }) };
}

/** Starts an asynchronous redeploy and reads its event stream to the end, as a follower does. */
async function followRedeploy(t: ExecutionContext, host: DeployTestHost, key: CreatedKey, stackName: string): Promise<readonly ReceivedEvent[]> {
  const accepted = await host.host.request('POST', '/api/hooks/redeploy', { apiKey: key.fullKey, body: { stackName }, headers: { prefer: 'respond-async' } });
  t.is(accepted.status, 202, accepted.text);
  const stream = await readEventStream(`${host.host.url}${String(accepted.body['eventsUrl'])}`, { 'x-api-key': key.fullKey });
  t.true(stream.endedByHost);
  return stream.events;
}

const linesOf = (events: readonly ReceivedEvent[], service: string): string[] =>
  events.filter((event) => event.event === 'log' && event.data['service'] === service).map((event) => String(event.data['line']));

// Serial: each test deploys on the shared Swarm.

test.serial('a redeploy on Swarm relays the init job\'s whole output before it is reported completed, and the new tasks\' start-up output, redacted', async (t) => {
  const { host, environmentId } = await talkingHost(t, MIGRATION);
  const { stackName, key } = await deployed(t, host, environmentId);

  const events = await followRedeploy(t, host, key, stackName);

  t.like(events.at(-1), { event: 'done', data: { status: 'Succeeded', httpStatus: 200 } });
  // stdout and stderr are separate streams: the stderr line may come anywhere among the others.
  const migrate = linesOf(events, 'migrate');
  t.deepEqual(migrate.filter((line) => line === 'migration done'), ['migration done']);
  t.deepEqual(migrate.filter((line) => line !== 'migration done'), ['migrating as admin:********', ...MIGRATION_STEPS]);
  const completed = events.findIndex((event) => event.event === 'progress' && String(event.data['message']).endsWith('completed'));
  t.true(completed > events.findLastIndex((event) => event.event === 'log' && event.data['service'] === 'migrate'), 'the output comes before the job is reported completed');
  // Both new tasks, and none of the tasks the redeploy replaced (they wrote the same lines at the deploy).
  t.deepEqual(linesOf(events, 'app').sort(), ['app up with ********', 'app up with ********', 'app warming up on stderr', 'app warming up on stderr']);
  t.false(events.some((event) => JSON.stringify(event.data).includes(PASSWORD)));
});

test.serial('on Swarm, hook redeploy --follow prints a failing init job\'s output under its service, redacted, and the redeploy fails', async (t) => {
  // The first deploy's job succeeds and leaves a marker; the redeploy's finds it and fails.
  const { host, environmentId } = await talkingHost(t, `${MIGRATION}; if [ -f /state/ran ]; then echo "migration 21 failed" >&2; exit 4; fi; touch /state/ran`);
  const { stackName, key } = await deployed(t, host, environmentId);

  const run = await runCli(['hook', 'redeploy', '--stack', stackName, '--follow'], { env: { RSGO_URL: host.host.url, RSGO_API_KEY: key.fullKey } });

  t.not(run.code, 0);
  t.regex(run.stderr, /\n {2}migrate \| migrating as admin:\*{8}\n/);
  t.regex(run.stderr, /\n {2}migrate \| step 20\n/);
  t.regex(run.stderr, /\n {2}migrate \| migration 21 failed\n/);
  t.false(run.stderr.includes(PASSWORD));
});

import test, { type ExecutionContext } from 'ava';
import { randomBytes } from 'node:crypto';
import { MAX_OUTPUT_LINE_LENGTH, MAX_OUTPUT_LINES } from '../../../core/operations/bounded-output.js';
import { createKey, type CreatedKey } from '../../support/api-keys.js';
import { idleCommand, useDeployHost, type DeployTestHost } from '../../support/deploy-host.js';
import { readEventStream, type ReceivedEvent } from '../../support/event-stream-client.js';
import { runCli } from '../../support/run-cli.js';
import { testImages } from '../../support/test-images.js';

const images = testImages('container-output-events');
const PASSWORD = `pw-${randomBytes(6).toString('hex')}`;
/** More lines than an operation shows, so that the cap is reached. */
const CHATTER = MAX_OUTPUT_LINES + 100;

/** A host with the one product `com.example.<name>`, which has a Password variable DB_PASSWORD and `services` (YAML). */
function productHost(t: ExecutionContext, name: string, services: string): Promise<DeployTestHost> {
  const manifest = `metadata: { name: ${name}, productId: com.example.${name}, productVersion: "1.0.0" }
variables:
  DB_PASSWORD: { type: Password, required: true }
services:
${services}`;
  return useDeployHost(t, { manifests: { [`${name}.yaml`]: manifest } });
}

/**
 * A product whose `talker` service writes at its start: a line with its Password variable, a
 * line on stderr, then, a second later, a line longer than the host shows and numbered chatter
 * past the cap; then idles.
 */
async function talkerHost(t: ExecutionContext): Promise<DeployTestHost> {
  const image = await images.push('talker');
  const script = [
    'echo "connecting with $DB_PASSWORD to the database"',
    'echo "warming up on stderr" >&2',
    // The engine copies stdout and stderr apart: under load the stderr line could be logged
    // after the chatter's flood, past the cap. A pause lets it in first.
    'sleep 1',
    `printf "x%0${MAX_OUTPUT_LINE_LENGTH + 500}d\\n" 0`,
    `i=0; while [ $i -lt ${CHATTER} ]; do echo "chatter $i"; i=$((i+1)); done`,
  ].join('; ');
  return productHost(
    t,
    'talker',
    `  talker:
    image: ${image.ref}
    restart: "no"
    environment: { DB_PASSWORD: "\${DB_PASSWORD}" }
    command: ${idleCommand(script)}
`,
  );
}

/** Deploys `com.example.<name>` under a new stack name, with {@link PASSWORD} as its DB_PASSWORD. */
async function deployProduct(t: ExecutionContext, host: DeployTestHost, name: string): Promise<string> {
  const stackName = `output-${randomBytes(4).toString('hex')}`;
  const deployed = await host.admin('POST', '/api/deployments', {
    environmentId: host.environmentId,
    stackName,
    productId: `com.example.${name}`,
    variables: { DB_PASSWORD: PASSWORD },
  });
  t.is(deployed.status, 201, deployed.text);
  return stackName;
}

const redeployKey = (t: ExecutionContext, host: DeployTestHost): Promise<CreatedKey> =>
  createKey(t, host, { name: 'ci', permissions: ['Hooks.Redeploy'], environmentId: host.environmentId });

/** Starts an asynchronous redeploy of `stackName` and reads its event stream to the end, as a follower does. */
async function followRedeploy(t: ExecutionContext, host: DeployTestHost, key: CreatedKey, stackName: string): Promise<{ url: string; events: readonly ReceivedEvent[] }> {
  const accepted = await host.host.request('POST', '/api/hooks/redeploy', { apiKey: key.fullKey, body: { stackName }, headers: { prefer: 'respond-async' } });
  t.is(accepted.status, 202, accepted.text);
  const url = `${host.host.url}${String(accepted.body['eventsUrl'])}`;
  const stream = await readEventStream(url, { 'x-api-key': key.fullKey });
  t.true(stream.endedByHost);
  return { url, events: stream.events };
}

/** A product whose init service `migrate` runs `script` before the idling service `app`. */
async function migratingHost(t: ExecutionContext, script: string): Promise<DeployTestHost> {
  const image = await images.push('migrate');
  return productHost(
    t,
    'migrating',
    `  migrate:
    image: ${image.ref}
    lifecycle: init
    environment: { DB_PASSWORD: "\${DB_PASSWORD}" }
    command: ["sh", "-c", ${JSON.stringify(script)}]
    volumes: ["state:/state"]
  app:
    image: ${image.ref}
    command: ${idleCommand()}
`,
  );
}

/** What the init service `migrate` wrote, as the `log` events of the operation carry it. */
const migrateLines = (events: readonly ReceivedEvent[]): string[] =>
  events.filter((event) => event.event === 'log' && event.data['service'] === 'migrate').map((event) => String(event.data['line']));

/** A migration's output: a line with the password, then `step 1` to `step 50`. */
const MIGRATION = 'echo "migrating as admin:$DB_PASSWORD"; i=1; while [ $i -le 50 ]; do echo "step $i"; i=$((i+1)); done';
const MIGRATION_STEPS = Array.from({ length: 50 }, (_, i) => `step ${i + 1}`);

// Serial: each test deploys on the shared engine (see useDeployHost).

test.serial('an asynchronous redeploy streams the new container\'s start-up output as log events, redacted and capped, before done; they replay after the end', async (t) => {
  const host = await talkerHost(t);
  const stackName = await deployProduct(t, host, 'talker');
  const key = await redeployKey(t, host);

  const { url, events } = await followRedeploy(t, host, key, stackName);
  const headers = { 'x-api-key': key.fullKey };

  const done = events.at(-1);
  t.like(done, { event: 'done', data: { status: 'Succeeded', httpStatus: 200 } });
  const logs = events.filter((event) => event.event === 'log');
  for (const event of logs) t.deepEqual(Object.keys(event.data).sort(), ['line', 'service']);
  t.true(logs.every((event) => event.data['service'] === 'talker' && event.id < (done?.id ?? 0)));
  const lines = logs.map((event) => String(event.data['line']));
  // stdout and stderr are separate streams: the stderr line may come anywhere among the others.
  t.is(lines.filter((line) => line === 'warming up on stderr').length, 1);
  const stdout = lines.filter((line) => line !== 'warming up on stderr');
  t.false(events.some((event) => JSON.stringify(event.data).includes(PASSWORD)));
  // A long line is cut; the chatter stops at the cap, and the line after it says so.
  t.is(lines.length, MAX_OUTPUT_LINES + 1);
  t.deepEqual(stdout.slice(0, -1), [
    'connecting with ******** to the database',
    `x${'0'.repeat(MAX_OUTPUT_LINE_LENGTH - 1)}…`,
    ...Array.from({ length: MAX_OUTPUT_LINES - 3 }, (_, i) => `chatter ${i}`),
  ]);
  t.is(stdout.at(-1), `(further output dropped: an operation shows at most ${MAX_OUTPUT_LINES} lines)`);
  // The steps are all there besides the output.
  const steps = events.filter((event) => event.event === 'progress').map((event) => event.data['step']);
  for (const step of ['create', 'start', 'wait', 'healthy']) t.true(steps.includes(step), `step ${step} in ${steps.join(', ')}`);

  // Read back from the store after the end (the output came in batches of hundreds of rows),
  // and resumed after a log event.
  const replayed = await readEventStream(url, headers);
  t.deepEqual(replayed.events, events);
  const resumed = await readEventStream(url, { ...headers, 'last-event-id': String(logs[1]?.id) });
  t.deepEqual(resumed.events, events.filter((event: ReceivedEvent) => event.id > (logs[1]?.id ?? 0)));
});

test.serial('hook redeploy --follow prints the container\'s output under its service, redacted', async (t) => {
  const host = await talkerHost(t);
  const stackName = await deployProduct(t, host, 'talker');
  const key = await redeployKey(t, host);

  const run = await runCli(['hook', 'redeploy', '--stack', stackName, '--follow'], { env: { RSGO_URL: host.host.url, RSGO_API_KEY: key.fullKey } });

  t.is(run.code, 0, run.stderr);
  t.is(run.stdout, `Successfully triggered redeploy of '${stackName}'.\n`);
  t.regex(run.stderr, /\n {2}talker \| connecting with \*{8} to the database\n/);
  t.regex(run.stderr, /\n {2}talker \| warming up on stderr\n/);
  t.regex(run.stderr, /\n {2}talker \| chatter 0\n/);
  t.false(run.stderr.includes(PASSWORD));
});

test.serial('an init service\'s output is relayed whole, up to its last line, before it is reported completed', async (t) => {
  const host = await migratingHost(t, `${MIGRATION}; echo "migration done"`);
  const stackName = await deployProduct(t, host, 'migrating');
  const key = await redeployKey(t, host);

  const { events } = await followRedeploy(t, host, key, stackName);

  t.like(events.at(-1), { event: 'done', data: { status: 'Succeeded' } });
  t.deepEqual(migrateLines(events), ['migrating as admin:********', ...MIGRATION_STEPS, 'migration done']);
  const completed = events.findIndex((event) => event.event === 'progress' && String(event.data['message']).endsWith('completed'));
  const lastLine = events.findLastIndex((event) => event.event === 'log' && event.data['service'] === 'migrate');
  t.true(completed > lastLine, 'the output comes before the init service is reported completed');
});

test.serial('a failing init service\'s output reaches the followers, and the operation fails', async (t) => {
  // The first deploy's init succeeds and leaves a marker; the redeploy's finds it and fails.
  const host = await migratingHost(t, `${MIGRATION}; if [ -f /state/ran ]; then echo "migration 51 failed" >&2; exit 4; fi; touch /state/ran`);
  const stackName = await deployProduct(t, host, 'migrating');
  const key = await redeployKey(t, host);

  const { events } = await followRedeploy(t, host, key, stackName);

  t.like(events.at(-1), { event: 'done', data: { status: 'Failed' } });
  // stdout and stderr are separate streams: the stderr line may come anywhere among the others.
  const lines = migrateLines(events);
  t.deepEqual(lines.filter((line) => line === 'migration 51 failed'), ['migration 51 failed']);
  t.deepEqual(lines.filter((line) => line !== 'migration 51 failed'), ['migrating as admin:********', ...MIGRATION_STEPS]);
  t.false(events.some((event) => JSON.stringify(event.data).includes(PASSWORD)));
});

import test, { type ExecutionContext } from 'ava';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestResponse } from '../../../core/testing.js';
import { createKey, type CreatedKey } from '../../support/api-keys.js';
import { createMysqlDatabase } from '../../support/databases.js';
import { docker } from '../../support/docker-cli.js';
import type { DeployTestHost } from '../../support/deploy-host.js';
import { readEventStream, type ReceivedEvent } from '../../support/event-stream-client.js';
import { deploySite, redeployCount, siteHostFor } from '../../support/site-catalog.js';
import { testImages } from '../../support/test-images.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ASYNC = { prefer: 'respond-async' };
const siteHost = siteHostFor(testImages('async-hooks'));

const hook = (host: DeployTestHost, key: CreatedKey, name: string, body: unknown, headers: Record<string, string> = {}, query = '') =>
  host.host.request('POST', `/api/hooks/${name}${query}`, { apiKey: key.fullKey, body, headers });

const containerId = (name: string) => docker('container', 'inspect', '--format', '{{.Id}}', name);

/** Polls the operation until it has finished; returns it. */
async function finishedOperation(host: DeployTestHost, key: CreatedKey, operationId: string): Promise<Record<string, unknown>> {
  for (;;) {
    const res = await host.host.request('GET', `/api/operations/${operationId}`, { apiKey: key.fullKey });
    if (res.status !== 200) throw new Error(`GET operation answered ${res.status}: ${res.text}`);
    const operation = res.body['operation'] as Record<string, unknown>;
    if (operation['status'] === 'Succeeded' || operation['status'] === 'Failed') return operation;
    await sleep(200);
  }
}

function acceptedAs(t: ExecutionContext, res: TestResponse, kind: string): string {
  t.is(res.status, 202, res.text);
  const operationId = String(res.body['operationId']);
  t.regex(operationId, UUID);
  t.deepEqual(res.body, {
    success: true,
    message: `Accepted ${kind} as operation ${operationId}.`,
    operationId,
    statusUrl: `/api/operations/${operationId}`,
    eventsUrl: `/api/operations/${operationId}/events`,
  });
  t.is(res.headers.get('location'), `/api/operations/${operationId}`);
  t.is(res.headers.get('preference-applied'), 'respond-async');
  return operationId;
}

const eventsUrl = (host: DeployTestHost, operationId: string) => `${host.host.url}/api/operations/${operationId}/events`;

test.serial('an asynchronous redeploy answers 202 at once; its operation ends with the answer the synchronous call gives', async (t) => {
  const host = await siteHost(t);
  const { stackName, deploymentId } = await deploySite(t, host);
  const key = await createKey(t, host, { name: 'ci', permissions: ['Hooks.Redeploy'], environmentId: host.environmentId });
  const before = await containerId(`${stackName}_www`);

  const accepted = await hook(host, key, 'redeploy', { stackName, variables: { MOTTO: 'async' } }, ASYNC);
  const operationId = acceptedAs(t, accepted, 'redeploy');
  const operation = await finishedOperation(host, key, operationId);

  t.like(operation, { id: operationId, kind: 'redeploy', status: 'Succeeded', httpStatus: 200 });
  t.deepEqual(operation['result'], {
    success: true,
    message: `Successfully triggered redeploy of '${stackName}'.`,
    deploymentId,
    stackName,
    stackVersion: '1.0.0',
    operationId,
  });
  const [created, started, finished] = [operation['createdAt'], operation['startedAt'], operation['finishedAt']].map((at) => Date.parse(String(at)));
  t.true(created! <= started! && started! <= finished!);
  t.false('owner' in operation);
  t.not(await containerId(`${stackName}_www`), before);
  t.is(await docker('exec', `${stackName}_www`, 'sh', '-c', 'echo $MOTTO'), 'async');
});

test.serial('events: the steps of each service, done last; Last-Event-ID resumes after a dropped stream; a stream opened after the end replays everything', async (t) => {
  const host = await siteHost(t);
  const { stackName } = await deploySite(t, host);
  const key = await createKey(t, host, { name: 'ci', permissions: ['Hooks.Redeploy'] });

  const operationId = acceptedAs(t, await hook(host, key, 'redeploy', { stackName, environmentId: host.environmentId }, {}, '?wait=false'), 'redeploy');
  const headers = { 'x-api-key': key.fullKey };
  // The connection drops after the first two events...
  const first = await readEventStream(eventsUrl(host, operationId), headers, (events) => events.length >= 2);
  t.is(first.status, 200);
  t.regex(first.contentType, /^text\/event-stream/);
  t.deepEqual(first.events.map((event) => event.id), [1, 2]);
  // ...and the client comes back with the last id it saw.
  const rest = await readEventStream(eventsUrl(host, operationId), { ...headers, 'last-event-id': '2' });
  t.true(rest.endedByHost);
  const all: ReceivedEvent[] = [...first.events, ...rest.events];
  t.deepEqual(all.map((event) => event.id), all.map((_, i) => i + 1));
  const done = all.at(-1);
  t.is(done?.event, 'done');
  t.deepEqual(done?.data, { status: 'Succeeded', httpStatus: 200, result: (await finishedOperation(host, key, operationId))['result'] });
  const progress = all.filter((event) => event.event === 'progress');
  t.is(progress.length, all.length - 1);
  for (const event of progress) t.deepEqual(Object.keys(event.data).sort(), ['at', 'message', 'service', 'step']);
  const steps = new Set(progress.filter((event) => event.data['service'] === 'www').map((event) => event.data['step']));
  for (const step of ['pull', 'stop', 'create', 'start', 'healthy']) t.true(steps.has(step), `step ${step} in ${[...steps].join(', ')}`);

  const replayed = await readEventStream(eventsUrl(host, operationId), headers);
  t.true(replayed.endedByHost);
  t.deepEqual(replayed.events, all);
  const tail = await readEventStream(`${eventsUrl(host, operationId)}?lastEventId=${all.length - 1}`, headers);
  t.deepEqual(tail.events, [done]);
});

test.serial('an asynchronous upgrade that fails reports its rollback and ends Failed with the 400 of the synchronous call', async (t) => {
  const host = await siteHost(t);
  const { stackName, deploymentId } = await deploySite(t, host);
  const key = await createKey(t, host, { name: 'release', permissions: ['Hooks.Upgrade'], environmentId: host.environmentId });

  const upgraded = acceptedAs(t, await hook(host, key, 'upgrade', { stackName, targetVersion: '2.0.0' }, ASYNC), 'upgrade');
  t.like(await finishedOperation(host, key, upgraded), { kind: 'upgrade', status: 'Succeeded', httpStatus: 200, result: { deploymentId, previousVersion: '1.0.0', newVersion: '2.0.0' } });

  const failing = acceptedAs(t, await hook(host, key, 'upgrade', { stackName, targetVersion: '3.0.0' }, ASYNC), 'upgrade');
  const stream = await readEventStream(eventsUrl(host, failing), { 'x-api-key': key.fullKey });
  t.true(stream.events.some((event) => event.event === 'progress' && event.data['step'] === 'rollback'));
  const done = stream.events.at(-1)?.data as { status: string; httpStatus: number; result: Record<string, unknown> };
  t.like(done, { status: 'Failed', httpStatus: 400, result: { success: false, deploymentId, operationId: failing } });
  t.regex(String(done.result['message']), /^Deployment failed: .*Rolled back to 2\.0\.0\.$/s);
  t.is(await docker('exec', `${stackName}_www`, 'cat', '/variant'), 'two');
});

test.serial('an asynchronous catalog sync ends with the counts of the synchronous one', async (t) => {
  const host = await siteHost(t);
  const key = await createKey(t, host, { name: 'sync', permissions: ['Hooks.SyncSources'] });
  const operationId = acceptedAs(t, await hook(host, key, 'sync-sources', undefined, ASYNC), 'sync-sources');
  t.like(await finishedOperation(host, key, operationId), {
    kind: 'sync-sources',
    status: 'Succeeded',
    httpStatus: 200,
    result: { success: true, sourcesSynced: 1, stacksLoaded: 3, message: 'Synced 1 source(s), loaded 3 stack(s).', operationId },
  });
});

test.serial('in asynchronous mode, refusals are still answered at once with their usual status, and nothing runs', async (t) => {
  const host = await siteHost(t);
  const { stackName, deploymentId } = await deploySite(t, host);
  const key = await createKey(t, host, { name: 'ci', permissions: ['Hooks.Redeploy', 'Hooks.Upgrade'], environmentId: host.environmentId });
  const syncOnly = await createKey(t, host, { name: 'sync-only', permissions: ['Hooks.SyncSources'] });
  const cases: Array<[TestResponse, number, string]> = [
    [await host.host.request('POST', '/api/hooks/redeploy?wait=false', { body: { stackName } }), 401, 'AUTH_INVALID'],
    [await hook(host, syncOnly, 'redeploy', { stackName, environmentId: host.environmentId }, ASYNC), 403, 'FORBIDDEN'],
    [await hook(host, key, 'redeploy', { stackName, environmentId: '00000000-0000-4000-8000-000000000000' }, ASYNC), 403, 'ENVIRONMENT_SCOPE'],
    [await hook(host, key, 'redeploy', {}, ASYNC), 400, 'INVALID_INPUT'],
    [await hook(host, key, 'redeploy', { stackName: 'no-such-stack' }, ASYNC), 400, 'DEPLOYMENT_NOT_FOUND'],
    [await hook(host, key, 'redeploy', { stackName, variables: { NOT_DECLARED: 'x' } }, ASYNC), 400, 'VARIABLE_UNKNOWN'],
    [await hook(host, key, 'upgrade', { stackName, targetVersion: '9.9.9' }, ASYNC), 400, 'VERSION_NOT_FOUND'],
    [await hook(host, key, 'upgrade', { stackName, targetVersion: '1.0.0' }, ASYNC), 400, 'SAME_VERSION'],
    [await hook(host, key, 'redeploy', { stackName }, { 'idempotency-key': 'x'.repeat(256) }, '?wait=false'), 400, 'INVALID_INPUT'],
    [await hook(host, key, 'redeploy', { stackName }, {}, '?wait=perhaps'), 400, 'INVALID_INPUT'],
  ];
  for (const [res, status, code] of cases) {
    t.is(res.status, status, res.text);
    t.like(res.body, { success: false, code });
    t.false('operationId' in res.body);
  }
  t.is(cases[6]?.[0].body['message'], "Version '9.9.9' not found in catalog. Available versions: 1.0.0, 2.0.0, 3.0.0");
  t.is(await redeployCount(host, deploymentId), 0);
});

test.serial('an operation is readable by the key that started it and by an admin; another key gets 404', async (t) => {
  const host = await siteHost(t);
  const owner = await createKey(t, host, { name: 'owner', permissions: ['Hooks.SyncSources'] });
  const other = await createKey(t, host, { name: 'other', permissions: ['Hooks.SyncSources'] });
  const res = await hook(host, owner, 'sync-sources', undefined);
  t.is(res.status, 200, res.text);
  const operationId = String(res.body['operationId']);
  t.regex(operationId, UUID);

  const read = (request: { apiKey?: string; token?: string }, id = operationId) => host.host.request('GET', `/api/operations/${id}`, request);
  t.deepEqual(((await read({ apiKey: owner.fullKey })).body['operation'] as Record<string, unknown>)['result'], res.body);
  t.like((await read({ token: host.token })).body, { operation: { id: operationId, kind: 'sync-sources', status: 'Succeeded' } });
  const foreign = await read({ apiKey: other.fullKey });
  t.is(foreign.status, 404);
  t.like(foreign.body, { success: false, code: 'OPERATION_NOT_FOUND' });
  t.is((await readEventStream(eventsUrl(host, operationId), { 'x-api-key': other.fullKey })).status, 404);
  t.is((await read({ apiKey: owner.fullKey }, '2b1e1c4e-0000-4000-8000-000000000000')).status, 404);
  t.is((await read({})).status, 401);
});

test.serial('a synchronous failure carries its operationId, and the operation keeps that answer', async (t) => {
  const host = await siteHost(t);
  const { stackName, deploymentId } = await deploySite(t, host);
  const key = await createKey(t, host, { name: 'ci', permissions: ['Hooks.Upgrade'] });
  const res = await hook(host, key, 'upgrade', { stackName, targetVersion: '3.0.0', environmentId: host.environmentId });
  t.is(res.status, 400, res.text);
  t.like(res.body, { success: false, deploymentId });
  const operation = await finishedOperation(host, key, String(res.body['operationId']));
  t.like(operation, { status: 'Failed', httpStatus: 400 });
  t.deepEqual(operation['result'], res.body);
});

test.serial('Idempotency-Key: a repeated call replays the first answer without a second redeploy; another body is refused with 422', async (t) => {
  const host = await siteHost(t);
  const { stackName, deploymentId } = await deploySite(t, host);
  const key = await createKey(t, host, { name: 'ci', permissions: ['Hooks.Redeploy'], environmentId: host.environmentId });
  const second = await createKey(t, host, { name: 'ci-2', permissions: ['Hooks.Redeploy'], environmentId: host.environmentId });
  const idempotency = { 'idempotency-key': `run-${randomBytes(4).toString('hex')}-1` };

  const first = await hook(host, key, 'redeploy', { stackName }, idempotency);
  t.is(first.status, 200, first.text);
  t.is(first.headers.get('idempotent-replayed'), null);
  const after = await containerId(`${stackName}_www`);
  const again = await hook(host, key, 'redeploy', { stackName }, idempotency);
  t.is(again.status, 200, again.text);
  t.is(again.headers.get('idempotent-replayed'), 'true');
  t.deepEqual(again.body, first.body);
  const asynchronously = await hook(host, key, 'redeploy', { stackName }, { ...idempotency, ...ASYNC });
  t.is(acceptedAs(t, asynchronously, 'redeploy'), String(first.body['operationId']));
  t.is(asynchronously.headers.get('idempotent-replayed'), 'true');
  t.is(await containerId(`${stackName}_www`), after);
  t.is(await redeployCount(host, deploymentId), 1);

  const changed = await hook(host, key, 'redeploy', { stackName, variables: { MOTTO: 'other' } }, idempotency);
  t.is(changed.status, 422, changed.text);
  t.like(changed.body, { success: false, code: 'IDEMPOTENCY_KEY_REUSED' });
  // The key is the caller's own: another API key with the same Idempotency-Key runs anew.
  const otherCaller = await hook(host, second, 'redeploy', { stackName }, idempotency);
  t.is(otherCaller.status, 200, otherCaller.text);
  t.not(otherCaller.body['operationId'], first.body['operationId']);
  t.is(await redeployCount(host, deploymentId), 2);
});

test.serial('Idempotency-Key: duplicates sent at the same time run once and all get its answer', async (t) => {
  const host = await siteHost(t);
  const { stackName, deploymentId } = await deploySite(t, host);
  const key = await createKey(t, host, { name: 'ci', permissions: ['Hooks.Redeploy'], environmentId: host.environmentId });
  const idempotency = { 'idempotency-key': `concurrent-${randomBytes(4).toString('hex')}` };

  const answers = await Promise.all([0, 1, 2, 3].map((i) => hook(host, key, 'redeploy', { stackName }, i === 3 ? { ...idempotency, ...ASYNC } : idempotency)));

  const synchronous = answers.slice(0, 3);
  for (const res of synchronous) t.is(res.status, 200, res.text);
  t.is(new Set(answers.map((res) => res.body['operationId'])).size, 1);
  for (const res of synchronous) t.deepEqual(res.body, synchronous[0]?.body);
  t.is(answers.filter((res) => res.headers.get('idempotent-replayed') === 'true').length, 3);
  t.is(await redeployCount(host, deploymentId), 1);
});

test.serial('on MariaDB, duplicates run once, and a key still replays its answer after the host restarted', async (t) => {
  const env = { RSGO_ADMIN_USER: 'admin', RSGO_ADMIN_PASSWORD: randomBytes(12).toString('hex') };
  const database = { client: 'mysql', url: await createMysqlDatabase(t) };
  const first = await siteHost(t, { database, env });
  const { stackName, deploymentId } = await deploySite(t, first);
  const key = await createKey(t, first, { name: 'ci', permissions: ['Hooks.Redeploy'], environmentId: first.environmentId });
  const idempotency = { 'idempotency-key': `mariadb-${randomBytes(4).toString('hex')}` };

  const answers = await Promise.all([0, 1, 2].map(() => hook(first, key, 'redeploy', { stackName }, idempotency)));
  for (const res of answers) t.deepEqual(res.body, answers[0]?.body);
  t.is(answers[0]?.status, 200, answers[0]?.text);
  const containerAfter = await containerId(`${stackName}_www`);
  await first.host.close();

  const second = await siteHost(t, { database, env });
  const replayed = await hook(second, key, 'redeploy', { stackName }, idempotency);
  t.is(replayed.status, 200, replayed.text);
  t.is(replayed.headers.get('idempotent-replayed'), 'true');
  t.deepEqual(replayed.body, answers[0]?.body);
  t.is(await containerId(`${stackName}_www`), containerAfter);
  t.is(await redeployCount(second, deploymentId), 1);
  // Its events were kept with it and replay from the store.
  const stream = await readEventStream(eventsUrl(second, String(replayed.body['operationId'])), { 'x-api-key': key.fullKey });
  t.like(stream.events.at(-1), { event: 'done', data: { status: 'Succeeded', httpStatus: 200 } });
  t.true(stream.events.some((event) => event.data['step'] === 'pull'));
});

test.serial('two asynchronous redeploys of one stack at once are both accepted and run one after the other', async (t) => {
  const host = await siteHost(t);
  const { stackName, deploymentId } = await deploySite(t, host);
  const key = await createKey(t, host, { name: 'ci', permissions: ['Hooks.Redeploy'], environmentId: host.environmentId });
  const accepted = await Promise.all([0, 1].map(() => hook(host, key, 'redeploy', { stackName }, ASYNC)));
  const ids = accepted.map((res) => acceptedAs(t, res, 'redeploy'));
  for (const id of ids) t.like(await finishedOperation(host, key, id), { status: 'Succeeded', httpStatus: 200 });
  t.is(await redeployCount(host, deploymentId), 2);
});

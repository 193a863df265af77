import test from 'ava';
import { randomBytes } from 'node:crypto';
import { dockerInspect, docker } from '../../support/docker-cli.js';
import { idleCommand, useDeployHost, type DeployTestHost } from '../../support/deploy-host.js';
import { readEventStream } from '../../support/event-stream-client.js';
import { testImages } from '../../support/test-images.js';

const images = testImages('deployments-operate');
const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

/**
 * A stack whose `talker` prints its password once and then a numbered line every 200 ms (on
 * stdout, every fifth one on stderr), and whose `quiet` idles; `talker` exits with code 3 when
 * /tmp/crash appears (removing it first), so that its restart policy brings it back. `quiet`
 * has a health check that passes.
 */
async function chattyManifest(): Promise<Record<string, string>> {
  const image = await images.push('app');
  const talk = [
    'echo "booting with $API_PASSWORD"',
    'i=0',
    'while true; do if [ -f /tmp/crash ]; then rm /tmp/crash; exit 3; fi; i=$((i+1)); if [ $((i % 5)) -eq 0 ]; then echo "line $i" >&2; else echo "line $i"; fi; sleep 0.2; done',
  ].join('; ');
  return {
    'chatty.yaml': `metadata:
  name: Chatty
  productId: com.example.chatty
  productVersion: "1.0.0"
variables:
  API_PASSWORD:
    type: Password
    required: true
services:
  talker:
    image: ${image.ref}
    restart: on-failure
    environment:
      API_PASSWORD: \${API_PASSWORD}
    command: ${JSON.stringify(['sh', '-c', `trap 'exit 0' TERM; ${talk}`])}
  quiet:
    image: ${image.ref}
    command: ${idleCommand()}
    healthCheck:
      test: ["CMD-SHELL", "test -f /variant"]
      interval: 1s
      retries: 3
`,
  };
}

interface ServiceView {
  serviceName: string;
  containerId: string;
  containerName: string;
  status: string;
  health: string | null;
  restartCount: number | null;
  startedAt: string | null;
}

interface ContainerInspect {
  Id: string;
  RestartCount: number;
  State: { Status: string; StartedAt: string };
}

async function deployChatty(host: DeployTestHost, password: string): Promise<{ id: string; stackName: string }> {
  const stackName = unique('chatty');
  const res = await host.admin('POST', '/api/deployments', {
    environmentId: host.environmentId,
    stackName,
    productId: 'com.example.chatty',
    variables: { API_PASSWORD: password },
  });
  if (res.status !== 201) throw new Error(`deploy failed: ${res.status} ${res.text}`);
  return { id: String(res.body['deploymentId']), stackName };
}

async function services(host: DeployTestHost, id: string): Promise<ServiceView[]> {
  const res = await host.admin('GET', `/api/deployments/${id}`);
  return (res.body['deployment'] as { services: ServiceView[] }).services;
}

/** Polls the host's view until `check` holds for it (the engine changes on its own time). */
async function waitFor<T>(read: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

test.serial('stop, start and restart change what runs, are recorded, and a stopped deployment cannot be redeployed', async (t) => {
  const host = await useDeployHost(t, { manifests: await chattyManifest() });
  const { id, stackName } = await deployChatty(host, 'pw-operate-1');
  const talker = `${stackName}_talker`;
  const before = await dockerInspect<ContainerInspect>('container', talker);

  const shown = await services(host, id);
  t.deepEqual(shown.map((s) => s.serviceName), ['talker', 'quiet'], 'in manifest order');
  t.like(shown[0], { status: 'running', health: 'none', restartCount: 0 });
  t.like(shown[1], { status: 'running', health: 'healthy', restartCount: 0 });
  t.is(shown[0]?.startedAt, new Date(before.State.StartedAt).toISOString());

  const stopped = await host.admin('POST', `/api/deployments/${id}/stop`);
  t.is(stopped.status, 200, stopped.text);
  t.like(stopped.body['deployment'], { id, status: 'Stopped' });
  t.is((await dockerInspect<ContainerInspect>('container', talker)).State.Status, 'exited');
  t.is((await dockerInspect<ContainerInspect>('container', `${stackName}_quiet`)).State.Status, 'exited');
  t.deepEqual((await services(host, id)).map((s) => s.status), ['exited', 'exited']);

  const refused = await host.admin('POST', `/api/deployments/${id}/restart`);
  t.is(refused.status, 400);
  t.like(refused.body, { success: false, code: 'ACTION_NOT_ALLOWED', message: 'Only running deployments can be restarted. Current status: Stopped' });
  const apiKey = await host.host.createApiKey();
  const hook = await host.host.request('POST', '/api/hooks/redeploy', { apiKey, body: { stackName, environmentId: host.environmentId } });
  t.is(hook.status, 400);
  t.is(hook.body['message'], 'Only running deployments can be redeployed. Current status: Stopped');

  const started = await host.admin('POST', `/api/deployments/${id}/start`);
  t.is(started.status, 200, started.text);
  t.like(started.body['deployment'], { id, status: 'Running' });
  const afterStart = await dockerInspect<ContainerInspect>('container', talker);
  t.is(afterStart.Id, before.Id, 'the same container runs again');
  t.is(afterStart.State.Status, 'running');
  t.not(afterStart.State.StartedAt, before.State.StartedAt);

  const restarted = await host.admin('POST', `/api/deployments/${id}/restart`);
  t.is(restarted.status, 200, restarted.text);
  const afterRestart = await dockerInspect<ContainerInspect>('container', talker);
  t.is(afterRestart.Id, before.Id);
  t.true(new Date(afterRestart.State.StartedAt) > new Date(afterStart.State.StartedAt));
  t.is((await services(host, id)).find((s) => s.serviceName === 'talker')?.startedAt, new Date(afterRestart.State.StartedAt).toISOString());

  // A crash brought back by the restart policy shows in the restart count.
  await docker('exec', talker, 'touch', '/tmp/crash');
  const crashed = await waitFor(
    () => services(host, id),
    (list) => (list.find((s) => s.serviceName === 'talker')?.restartCount ?? 0) > 0,
  );
  t.is(crashed.find((s) => s.serviceName === 'talker')?.restartCount, (await dockerInspect<ContainerInspect>('container', talker)).RestartCount);

  const history = (await host.admin('GET', `/api/deployments/${id}`)).body['deployment'] as { history: { operation: string; outcome: string; triggeredBy: string }[] };
  t.deepEqual(
    history.history.map((h) => [h.operation, h.outcome]),
    [['deploy', 'Succeeded'], ['stop', 'Succeeded'], ['start', 'Succeeded'], ['restart', 'Succeeded']],
  );
  t.is(history.history[1]?.triggeredBy, `user:${host.host.admin.username}`);

  const audit = await host.admin('GET', '/api/audit?pageSize=50');
  const actions = (audit.body['events'] as { action: string; outcome: string; target: string }[]).filter((e) => e.target === stackName).map((e) => `${e.action}:${e.outcome}`);
  for (const action of ['deployment.stop:success', 'deployment.start:success', 'deployment.restart:success', 'deployment.restart:failure']) t.true(actions.includes(action), action);
});

test.serial('stop and start run as operations: the answer names it, its events show each service, and the history entry keeps its id', async (t) => {
  const host = await useDeployHost(t, { manifests: await chattyManifest() });
  const { id } = await deployChatty(host, 'pw-operate-ops');
  const token = await host.host.signIn();

  const accepted = await host.host.request('POST', `/api/deployments/${id}/stop`, { token, headers: { prefer: 'respond-async' } });
  t.is(accepted.status, 202, accepted.text);
  const operationId = String(accepted.body['operationId']);
  t.is(accepted.headers.get('location'), `/api/operations/${operationId}`);
  const stream = await readEventStream(`${host.host.url}${String(accepted.body['eventsUrl'])}`, { authorization: `Bearer ${token}` });
  const steps = stream.events.filter((e) => e.event === 'progress').map((e) => `${String(e.data['service'])}:${String(e.data['step'])}`);
  t.deepEqual(steps, ['talker:stop', 'quiet:stop', 'talker:stop', 'quiet:stop'], 'each service as the stop begins and as it ends');
  t.like(stream.events.at(-1), { event: 'done', data: { status: 'Succeeded', httpStatus: 200 } });
  const operation = await host.admin('GET', `/api/operations/${operationId}`);
  t.like(operation.body['operation'], { kind: 'stop', status: 'Succeeded' });

  const started = await host.admin('POST', `/api/deployments/${id}/start`);
  t.is(started.status, 200, started.text);
  t.regex(String(started.body['operationId']), /^[0-9a-f-]{36}$/, 'a synchronous answer names its operation too');
  const history = (started.body['deployment'] as { history: { operation: string; operationId: string | null }[] }).history;
  t.deepEqual(history.map((h) => [h.operation, h.operationId]), [['deploy', null], ['stop', operationId], ['start', started.body['operationId']]]);
});

test.serial('logs: the tail of one or all services, stdout and stderr, with Password values redacted; bad input is a 400', async (t) => {
  const host = await useDeployHost(t, { manifests: await chattyManifest() });
  const password = `pw-${randomBytes(6).toString('hex')}`;
  const { id } = await deployChatty(host, password);

  interface Line { service: string; stream: string; at: string; line: string }
  const read = async (query: string) => {
    const res = await host.admin('GET', `/api/deployments/${id}/logs${query}`);
    t.is(res.status, 200, res.text);
    return res.body['lines'] as Line[];
  };
  const lines = await waitFor(() => read('?service=talker&tail=5000'), (found) => found.filter((l) => l.stream === 'stderr').length >= 2);
  t.is(lines[0]?.line, 'booting with ********');
  t.false(JSON.stringify(lines).includes(password));
  t.true(lines.every((l) => l.service === 'talker' && !Number.isNaN(Date.parse(l.at))));
  t.true(lines.some((l) => l.stream === 'stderr' && /^line \d*[05]$/.test(l.line)));
  t.true(lines.some((l) => l.stream === 'stdout' && /^line \d+$/.test(l.line)));

  const three = await read('?service=talker&tail=3');
  t.is(three.length, 3);
  t.deepEqual([...three].sort((a, b) => a.at.localeCompare(b.at)), three, 'oldest first');
  t.deepEqual(await read('?service=quiet'), []);
  t.true((await read('')).every((l) => l.service === 'talker'));

  const bad = async (query: string, message: string | RegExp) => {
    const res = await host.admin('GET', `/api/deployments/${id}/logs${query}`);
    t.is(res.status, 400, query);
    if (typeof message === 'string') t.is(res.body['message'], message);
    else t.regex(String(res.body['message']), message);
  };
  await bad('?tail=5001', "Query parameter 'tail' must be a whole number from 0 to 5000.");
  await bad('?tail=ten', "Query parameter 'tail' must be a whole number from 0 to 5000.");
  await bad('?service=nope', /^Service 'nope' not found in deployment 'chatty-[0-9a-f]+'\. Services: talker, quiet\.$/);
  await bad('?follow=maybe', "Query parameter 'follow' must be true or false.");
  t.is((await host.admin('GET', '/api/deployments/00000000-0000-4000-8000-000000000000/logs')).status, 404);
});

test.serial('logs follow: server-sent log events as the container writes them, redacted, until the client leaves', async (t) => {
  const host = await useDeployHost(t, { manifests: await chattyManifest() });
  const password = `pw-${randomBytes(6).toString('hex')}`;
  const { id } = await deployChatty(host, password);
  // Connections to the engine's socket: the follow holds one, and must let it go with the client.
  const engineStreams = () => process.getActiveResourcesInfo().filter((kind) => kind === 'PipeWrap').length;
  const idle = await waitFor(async () => engineStreams(), () => true);

  const client = new AbortController();
  const res = await fetch(`${host.host.url}/api/deployments/${id}/logs?service=talker&tail=1000&follow=true`, {
    headers: { authorization: `Bearer ${host.token}` },
    signal: client.signal,
  });
  t.is(res.status, 200);
  t.regex(res.headers.get('content-type') ?? '', /^text\/event-stream/);
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  const events = () => text.split('\n\n').filter((block) => /^event: log$/m.test(block));
  // The tail first, then lines written after the stream opened.
  while (events().length < 30) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  t.true(engineStreams() > idle);
  client.abort();
  await waitFor(async () => engineStreams(), (open) => open <= idle);
  const parsed = events().map((block) => JSON.parse(block.split('\ndata: ')[1] ?? '{}') as { service: string; line: string; stream: string });
  t.true(parsed.length >= 30);
  t.is(parsed[0]?.line, 'booting with ********');
  t.false(text.includes(password));
  const numbers = parsed.slice(1).map((e) => Number(e.line.replace('line ', '')));
  t.deepEqual(numbers, numbers.map((_, i) => (numbers[0] ?? 0) + i), 'consecutive lines, none lost');

  t.is((await host.admin('GET', `/api/deployments/${id}`)).status, 200);

  // A stopping host ends the streams it serves instead of waiting for their clients.
  const second = await fetch(`${host.host.url}/api/deployments/${id}/logs?follow=true`, { headers: { authorization: `Bearer ${host.token}` } });
  t.is(second.status, 200);
  const stream = second.body!.getReader();
  await stream.read();
  await host.host.close();
  while (!(await stream.read()).done);
  t.false(host.host.logs.some((line) => line.includes('still running at the shutdown deadline')));
});

test.serial('a product deployment stops and starts all its stacks', async (t) => {
  const image = await images.push('app');
  const host = await useDeployHost(t, {
    manifests: {
      'duo.yaml': `metadata:
  name: Duo
  productId: com.example.duo
  productVersion: "1.0.0"
stacks:
  front:
    services:
      web: { image: ${image.ref}, command: ${idleCommand()} }
  back:
    services:
      db: { image: ${image.ref}, command: ${idleCommand()} }
`,
    },
  });
  const name = unique('duo');
  const created = await host.admin('POST', '/api/product-deployments', { environmentId: host.environmentId, productId: 'com.example.duo', deploymentName: name });
  t.is(created.status, 201, created.text);
  const productId = String(created.body['productDeploymentId']);

  const stopped = await host.admin('POST', `/api/product-deployments/${productId}/stop`);
  t.is(stopped.status, 200, stopped.text);
  const product = stopped.body['productDeployment'] as { status: string; stacks: { status: string }[] };
  t.is(product.status, 'Stopped');
  t.deepEqual(product.stacks.map((s) => s.status), ['Stopped', 'Stopped']);
  t.is(await docker('container', 'inspect', '--format', '{{.State.Status}}', `${name}-front_web`), 'exited');
  t.is(await docker('container', 'inspect', '--format', '{{.State.Status}}', `${name}-back_db`), 'exited');

  const again = await host.admin('POST', `/api/product-deployments/${productId}/stop`);
  t.is(again.status, 400);
  t.is(again.body['message'], 'Only running or failed deployments can be stopped. Current status: Stopped');

  const started = await host.admin('POST', `/api/product-deployments/${productId}/start`);
  t.is(started.status, 200, started.text);
  t.is((started.body['productDeployment'] as { status: string }).status, 'Running');
  t.is(await docker('container', 'inspect', '--format', '{{.State.Status}}', `${name}-front_web`), 'running');
  t.is(await docker('container', 'inspect', '--format', '{{.State.Status}}', `${name}-back_db`), 'running');
});

test.serial('a start the runtime cannot complete answers why, and the deployment is Failed as what runs shows', async (t) => {
  const image = await images.push('app');
  // `app` refuses to run again once it was stopped: a start fails as a deploy would.
  const script = `if [ -f /data/stopped ]; then echo "refusing to start again"; exit 4; fi; trap 'touch /data/stopped; exit 0' TERM; sleep 3600 & wait`;
  const host = await useDeployHost(t, {
    manifests: {
      'once.yaml': `metadata: { name: Once, productId: com.example.once, productVersion: "1.0.0" }\nservices:\n  app:\n    image: ${image.ref}\n    restart: "no"\n    volumes: ["data:/data"]\n    command: ${JSON.stringify(['sh', '-c', script])}\n`,
    },
  });
  const stackName = unique('once');
  const deployed = await host.admin('POST', '/api/deployments', { environmentId: host.environmentId, stackName, productId: 'com.example.once' });
  t.is(deployed.status, 201, deployed.text);
  const id = String(deployed.body['deploymentId']);
  t.is((await host.admin('POST', `/api/deployments/${id}/stop`)).status, 200);

  const started = await host.admin('POST', `/api/deployments/${id}/start`);
  t.is(started.status, 400);
  t.like(started.body, { success: false, code: 'DEPLOY_FAILED', deploymentId: id, status: 'Failed' });
  t.regex(String(started.body['message']), /^Start failed: Service 'app' exited with code 4\. Last log lines:\n {2}refusing to start again/);
  const record = (await host.admin('GET', `/api/deployments/${id}`)).body['deployment'] as { status: string; services: ServiceView[]; history: { operation: string; outcome: string }[] };
  t.is(record.status, 'Failed');
  t.is(record.services[0]?.status, 'exited');
  t.deepEqual(record.history.map((h) => `${h.operation}:${h.outcome}`), ['deploy:Succeeded', 'stop:Succeeded', 'start:Failed']);
});

import test from 'ava';
import { randomBytes, randomUUID } from 'node:crypto';
import { docker } from '../../support/docker-cli.js';
import { idleCommand, useDeployHost, type DeployTestHost } from '../../support/deploy-host.js';
import { testImages } from '../../support/test-images.js';

const images = testImages('deployments-deploy-progress');

interface Step {
  seq: number;
  service: string | null;
  step: string;
  message: string;
}

interface Progress {
  operation: string;
  requestId: string | null;
  inProgress: boolean;
  dropped: number;
  events: Step[];
}

/**
 * `db` idles; `web` depends on it and is healthy only once `/tmp/ready` exists, so the test
 * decides when the deploy may finish.
 */
async function twoServiceManifest(): Promise<Record<string, string>> {
  const [web, db] = await Promise.all([images.push('web'), images.push('db')]);
  return {
    'duo.yaml': `metadata:
  name: Duo
  productId: com.example.duo
  productVersion: "1.0.0"
services:
  db:
    image: ${db.ref}
    command: ${idleCommand()}
  web:
    image: ${web.ref}
    command: ${idleCommand()}
    dependsOn: [db]
    healthCheck:
      test: ["CMD-SHELL", "test -f /tmp/ready"]
      interval: 1s
      timeout: 5s
      retries: 120
`,
  };
}

async function progressOf(host: DeployTestHost, deploymentId: string, after = 0): Promise<Progress | null> {
  const res = await host.admin('GET', `/api/deployments/${deploymentId}/progress?after=${after}`);
  if (res.status !== 200) throw new Error(`progress answered ${res.status}: ${res.text}`);
  return (res.body as { progress: Progress | null }).progress;
}

/** Polls until `ready` holds for the progress of the stack's deployment; gives up after two minutes. */
async function waitForProgress(host: DeployTestHost, stackName: string, ready: (progress: Progress) => boolean): Promise<{ id: string; progress: Progress }> {
  for (let attempt = 0; attempt < 240; attempt += 1) {
    const list = await host.admin('GET', `/api/deployments?environmentId=${host.environmentId}`);
    const found = (list.body as { deployments: { id: string; stackName: string }[] }).deployments.find((d) => d.stackName === stackName);
    const progress = found ? await progressOf(host, found.id) : null;
    if (found && progress && ready(progress)) return { id: found.id, progress };
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`the progress of '${stackName}' never showed what the test waited for`);
}

/** The steps of one service in order, repeats (the engine's pull status lines) folded. */
function stepsOf(progress: Progress, service: string): string[] {
  return progress.events.filter((e) => e.service === service).map((e) => e.step).filter((step, i, all) => step !== all[i - 1]);
}

test.serial('the progress of a 2-service deploy shows each service pulled, created, started, waited for and running, in order, while it runs and after', async (t) => {
  const host = await useDeployHost(t, { manifests: await twoServiceManifest() });
  const stackName = `duo-${randomBytes(4).toString('hex')}`;
  const requestId = randomUUID();

  const deploying = host.host.request('POST', '/api/deployments', {
    token: host.token,
    headers: { 'x-request-id': requestId },
    body: { environmentId: host.environmentId, stackName, productId: 'com.example.duo' },
  });
  // While the deploy waits for `web` to be healthy, its steps so far are there to read.
  const live = await waitForProgress(host, stackName, (p) => p.events.some((e) => e.service === 'web' && e.step === 'wait'));
  t.like(live.progress, { operation: 'deploy', requestId, inProgress: true, dropped: 0 });
  t.false(live.progress.events.some((e) => e.step === 'healthy' && e.service === 'web'));
  await docker('exec', `${stackName}_web`, 'touch', '/tmp/ready');

  const res = await deploying;
  t.is(res.status, 201, res.text);
  const done = await progressOf(host, live.id);
  if (!done) return t.fail('no progress after the deploy');
  t.like(done, { operation: 'deploy', requestId, inProgress: false, dropped: 0 });
  for (const service of ['db', 'web']) t.deepEqual(stepsOf(done, service), ['pull', 'pulled', 'create', 'start', 'wait', 'healthy'], service);
  const seqs = done.events.map((e) => e.seq);
  t.deepEqual(seqs, [...seqs].sort((a, b) => a - b));
  t.true(done.events.some((e) => e.service === 'web' && e.step === 'healthy' && e.message === `${stackName}_web is healthy`));
  // `web` depends on `db`: it is created only after `db` was started.
  const seqOf = (service: string, step: string) => done.events.find((e) => e.service === service && e.step === step)?.seq ?? Number.NaN;
  t.true(seqOf('db', 'start') < seqOf('web', 'create'));

  // `after` returns only what came later; the live read's events are a prefix of the whole.
  const lastLive = live.progress.events.at(-1)?.seq ?? 0;
  t.deepEqual(done.events.slice(0, live.progress.events.length), live.progress.events);
  t.deepEqual((await progressOf(host, live.id, lastLive))?.events, done.events.filter((e) => e.seq > lastLive));
});

test.serial('progress of an unknown deployment is a 404; a malformed cursor a 400', async (t) => {
  const host = await useDeployHost(t);
  const missing = await host.admin('GET', `/api/deployments/${randomUUID()}/progress`);
  t.is(missing.status, 404, missing.text);
  t.like(missing.body, { success: false, code: 'DEPLOYMENT_NOT_FOUND' });
  const malformed = await host.admin('GET', `/api/deployments/${randomUUID()}/progress?after=soon`);
  t.is(malformed.status, 400, malformed.text);
  t.like(malformed.body, { success: false, message: "Query parameter 'after' must be a whole number of at least 0." });
  const anonymous = await host.host.request('GET', `/api/deployments/${randomUUID()}/progress`);
  t.is(anonymous.status, 401);
});

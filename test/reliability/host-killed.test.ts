import test, { type ExecutionContext } from 'ava';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { validateConfig } from '../../core/config/load-config.js';
import { openStore } from '../../core/store/open-store.js';
import { databaseEngines, type DatabaseEngine } from '../support/databases.js';
import { docker } from '../support/docker-cli.js';
import { removeEnvironmentResources } from '../support/deploy-host.js';
import { healthWaitProduct } from '../support/health-wait-product.js';
import { install, recovered, signIn, type ProcessClient } from '../support/host-installation.js';
import { eventually, startHostProcess } from '../support/host-process.js';
import { testImages } from '../support/test-images.js';

const images = testImages('reliability-host-killed');

interface HistoryEntry {
  readonly operation: string;
  readonly outcome: string;
  readonly message: string | null;
  readonly triggeredBy: string;
}

/** Id and state of the container `name`, or undefined while there is none. */
async function containerState(name: string): Promise<{ id: string; state: string } | undefined> {
  const out = await docker('container', 'ls', '--all', '--format', '{{.ID}} {{.State}}', '--no-trunc', '--filter', `name=^${name}$`);
  const [id, state] = out.split(' ');
  return id && state ? { id, state } : undefined;
}

/** Every container carrying the deployment's label, running or not. */
async function labelledContainers(deploymentId: string): Promise<string[]> {
  const out = await docker('container', 'ls', '--all', '--quiet', '--no-trunc', '--filter', `label=rsgo.deployment=${deploymentId}`);
  return out.split('\n').filter(Boolean).sort();
}

/** Waits until the container `name` reports the health status `status`. */
async function healthIs(name: string, status: string): Promise<void> {
  await eventually(`${name} to be ${status}`, 60_000, async () =>
    (await docker('container', 'inspect', '--format', '{{.State.Health.Status}}', name)) === status ? true : undefined,
  );
}

/**
 * A host process on `engine` with `App` 1.0.0 deployed as a new stack and a key for the redeploy
 * and upgrade hooks; then `hook` is called with `body` (READY_SECONDS far beyond the test) and
 * this returns once the hook's new container runs, while the operation waits for it to turn
 * healthy.
 */
async function inHealthWait(t: ExecutionContext, hook: string, body: (stackName: string) => Record<string, unknown>, engine: DatabaseEngine = 'sqlite') {
  const image = await images.push('app');
  const installation = await install(t, { 'app-1.0.0.yaml': healthWaitProduct('App', '1.0.0', image.ref), 'app-2.0.0.yaml': healthWaitProduct('App', '2.0.0', image.ref) }, engine);
  const stackName = `killed-${randomBytes(4).toString('hex')}`;
  const first = await startHostProcess(t, installation.configPath, installation.env);
  const client = await signIn(first, installation.env);
  t.teardown(() => removeEnvironmentResources(client.environmentId));
  // The catalog loads in the background at start: "not found" until it has.
  const deployed = await eventually('the first deploy', 180_000, async () => {
    const res = await client.call('POST', '/api/deployments', { environmentId: client.environmentId, stackName, productId: 'stacks:App', version: '1.0.0' });
    return res.body['code'] === 'PRODUCT_NOT_FOUND' ? undefined : res;
  });
  t.is(deployed.status, 201, JSON.stringify(deployed.body));
  const deploymentId = String(deployed.body['deploymentId']);
  const created = await client.call('POST', '/api/api-keys', {
    name: 'release',
    permissions: ['Hooks.Redeploy', 'Hooks.Upgrade'],
    environmentId: client.environmentId,
  });
  const apiKey = String((created.body['apiKey'] as { fullKey: string }).fullKey);
  const before = await containerState(`${stackName}_app`);

  let answered: unknown;
  const call = client.hook(hook, apiKey, body(stackName)).then(
    (res) => (answered = res),
    (err: unknown) => err,
  );
  await eventually("the operation's new container to run", 180_000, async () => {
    if (answered !== undefined) throw new Error(`the ${hook} call ended before the host was stopped: ${JSON.stringify(answered)}`);
    const now = await containerState(`${stackName}_app`);
    return now && now.id !== before?.id && now.state === 'running' ? true : undefined;
  });
  return { installation, first, apiKey, stackName, deploymentId, call };
}

/**
 * {@link inHealthWait}, then the process is killed with SIGKILL. With `healthyBeforeRestart`
 * the new container is then made healthy by hand; else it is still `starting`. A second host
 * process is started on the same installation.
 */
async function killedDuring(
  t: ExecutionContext,
  engine: DatabaseEngine,
  hook: string,
  body: (stackName: string) => Record<string, unknown>,
  healthyBeforeRestart: boolean,
) {
  const { installation, first, apiKey, stackName, deploymentId, call } = await inHealthWait(t, hook, body, engine);
  first.child.kill('SIGKILL');
  await first.exited;
  t.true((await call) instanceof Error, 'the call was cut off with the host');
  if (healthyBeforeRestart) {
    await docker('exec', `${stackName}_app`, 'touch', '/tmp/ready');
    await healthIs(`${stackName}_app`, 'healthy');
  } else {
    t.is(await docker('container', 'inspect', '--format', '{{.State.Health.Status}}', `${stackName}_app`), 'starting');
  }

  const second = await startHostProcess(t, installation.configPath, installation.env);
  const after = await signIn(second, installation.env);
  return { client: after, apiKey, stackName, deploymentId, deployment: await recovered(after, stackName) };
}

/** What must hold after any recovery: a final status, the history telling it, every container explained. */
async function assertReconciled(t: ExecutionContext, deployment: Record<string, unknown>, operation: string): Promise<void> {
  t.log(JSON.stringify({ status: deployment['status'], errorMessage: deployment['errorMessage'], history: deployment['history'] }));
  t.not(deployment['status'], 'Upgrading');
  t.not(deployment['status'], 'Installing');
  const history = deployment['history'] as HistoryEntry[];
  t.like(history.at(-2), { operation, outcome: 'Failed', message: `Interrupted: the host stopped before the ${operation} finished.` });
  t.like(history.at(-1), { operation: 'recover', outcome: 'Succeeded', triggeredBy: 'host' });
  t.true(String(history.at(-1)?.message).startsWith(`The host stopped during the ${operation}`), String(history.at(-1)?.message));
  const recorded = (deployment['services'] as Array<{ containerId: string }>).map((s) => s.containerId).sort();
  t.deepEqual(await labelledContainers(String(deployment['id'])), recorded, 'every container of the deployment is in its record');
}

/** A redeploy after the recovery succeeds and leaves exactly one container. */
async function assertUsable(t: ExecutionContext, client: ProcessClient, apiKey: string, stackName: string, deploymentId: string): Promise<void> {
  const again = await client.hook('/api/hooks/redeploy', apiKey, { stackName, variables: { READY_SECONDS: '0' } });
  t.is(again.status, 200, JSON.stringify(again.body));
  t.is((await labelledContainers(deploymentId)).length, 1);
  const record = (await client.call('GET', `/api/deployments/${deploymentId}`)).body['deployment'] as Record<string, unknown>;
  t.like(record, { status: 'Running' });
  t.like((record['history'] as HistoryEntry[]).at(-1), { operation: 'redeploy', outcome: 'Succeeded' });
}

for (const engine of databaseEngines) {
  test.serial(`a host killed with SIGKILL during a redeploy reconciles the deployment after the restart and redeploys again (${engine})`, async (t) => {
    const { client, apiKey, stackName, deploymentId, deployment } = await killedDuring(
      t,
      engine,
      '/api/hooks/redeploy',
      (stackName) => ({ stackName, variables: { READY_SECONDS: '3600' } }),
      true,
    );
    await assertReconciled(t, deployment, 'redeploy');
    // The new container runs and is healthy after the restart: the redeploy is taken as done.
    t.like(deployment, { status: 'Running', stackVersion: '1.0.0', errorMessage: null });
    await assertUsable(t, client, apiKey, stackName, deploymentId);
  });

  test.serial(`a host killed with SIGKILL during an upgrade is never left Upgrading: the new version found running and healthy is taken over (${engine})`, async (t) => {
    const { client, apiKey, stackName, deploymentId, deployment } = await killedDuring(
      t,
      engine,
      '/api/hooks/upgrade',
      (stackName) => ({ stackName, targetVersion: '2.0.0', variables: { READY_SECONDS: '3600' } }),
      true,
    );
    await assertReconciled(t, deployment, 'upgrade');
    t.like(deployment, { status: 'Running', stackVersion: '2.0.0', errorMessage: null });
    await assertUsable(t, client, apiKey, stackName, deploymentId);
  });

  test.serial(`a host killed with SIGKILL during the health wait of an upgrade ends Failed after the restart, never Running on the unverified version (${engine})`, async (t) => {
    const { deployment } = await killedDuring(
      t,
      engine,
      '/api/hooks/upgrade',
      (stackName) => ({ stackName, targetVersion: '2.0.0', variables: { READY_SECONDS: '3600' } }),
      false,
    );
    await assertReconciled(t, deployment, 'upgrade');
    t.like(deployment, { status: 'Failed', stackVersion: '1.0.0' });
    t.regex(String(deployment['errorMessage']), /running but not healthy: app \((starting|unhealthy)\)/);
  });
}

test.serial('a host stopped with SIGTERM during a redeploy answers the caller, records why, frees the stack and creates nothing afterwards', async (t) => {
  const { installation, first, deploymentId, call } = await inHealthWait(t, '/api/hooks/redeploy', (stackName) => ({
    stackName,
    variables: { READY_SECONDS: '3600' },
  }));
  first.child.kill('SIGTERM');
  const answer = await call;
  t.false(answer instanceof Error, `the caller got an answer: ${String(answer)}`);
  const { status, body } = answer as { status: number; body: Record<string, unknown> };
  t.true(status >= 400, JSON.stringify(body));
  t.regex(String(body['message']), /the host is stopping/);
  t.is(await first.exited, 0);
  const leftAtExit = await labelledContainers(deploymentId);

  const dataDir = join(dirname(installation.configPath), 'data');
  const store = await openStore(validateConfig({ database: { client: 'sqlite', filename: join(dataDir, 'rsgo.sqlite') } }).database, dataDir, dataDir);
  t.teardown(() => store.destroy());
  t.deepEqual(await store('stack_leases').select('stack_key'), [], 'the stack lock was freed');
  const row = (await store('deployments').where({ id: deploymentId }).first()) as { status: string; services: string };
  t.is(row.status, 'Failed');
  const recorded = (JSON.parse(row.services) as Array<{ containerId: string }>).map((s) => s.containerId).sort();
  t.deepEqual(leftAtExit, recorded, 'every container left is in the record');
  const history = (await store('deployment_history').where({ deployment_id: deploymentId }).orderBy('id', 'desc').first()) as { operation: string; outcome: string; message: string };
  t.like(history, { operation: 'redeploy', outcome: 'Failed' });
  t.regex(history.message, /the host is stopping/);
  t.deepEqual(await labelledContainers(deploymentId), leftAtExit, 'no container was created after the host stopped');
});

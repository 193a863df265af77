import { setTimeout as sleep } from 'node:timers/promises';
import { ApiClient } from './api-client.js';
import type { BenchStack } from './bench-stack.js';
import type { RedeployHostReport } from './redeploy-host.js';
import { startBenchChild, type BenchChild } from './start-bench-child.js';

/** The host's side of the redeploy benchmark: a deployed stack and a key allowed to redeploy it. */
export interface HookRedeploySide {
  /** One `POST /api/hooks/redeploy`; resolves when the host answered 200. */
  redeploy(): Promise<void>;
  /** Removes the deployment and stops the host. */
  close(): Promise<void>;
}

/** Why the hook side could not be measured, e.g. a build without the deployments API. */
export interface NotMeasured {
  readonly notMeasured: string;
}

async function defaultEnvironmentId(api: ApiClient): Promise<string> {
  const environments = await api.call('GET', '/api/environments');
  const list = environments.body['environments'] as Array<{ id: string; isDefault: boolean }> | undefined;
  const environmentId = list?.find((environment) => environment.isDefault)?.id;
  if (environmentId === undefined) throw new Error(`no default environment: ${JSON.stringify(environments.body)}`);
  return environmentId;
}

async function createSwarmEnvironment(api: ApiClient): Promise<string> {
  const created = await api.call('POST', '/api/environments', { body: { name: 'swarm', type: 'swarm' } });
  const environmentId = (created.body['environment'] as { id?: string } | undefined)?.id;
  if (created.status !== 201 || environmentId === undefined) throw new Error(`swarm environment answered ${created.status}: ${JSON.stringify(created.body)}`);
  return environmentId;
}

/** How long the first deploy may wait for the catalog's first sync to list the product. */
const CATALOG_WAIT_MS = 30_000;

/**
 * Starts a host whose catalog folder holds the stack's manifest, deploys the stack through
 * `POST /api/deployments` and creates an API key with `Hooks.Redeploy`, as an operator would.
 * `settleSeconds`: the Docker runtime's option of that name; its default when left out.
 * `swarm`: deploy to an environment of type `swarm` on the local engine instead of the default one.
 */
export async function startHookRedeploySide(
  stack: Pick<BenchStack, 'name'>,
  catalogFolder: string,
  settleSeconds?: number,
  swarm = false,
): Promise<HookRedeploySide | NotMeasured> {
  const args = [
    '--catalog',
    catalogFolder,
    ...(settleSeconds === undefined ? [] : ['--settle-seconds', String(settleSeconds)]),
    ...(swarm ? ['--swarm'] : []),
  ];
  const child: BenchChild<RedeployHostReport> = await startBenchChild<RedeployHostReport>('redeploy-host.ts', { args });
  const api = new ApiClient(child.report.url);
  let deploymentId: string | null = null;
  const close = async () => {
    if (deploymentId !== null) await api.call('DELETE', `/api/deployments/${deploymentId}`);
    await child.stop();
  };
  try {
    await api.signIn(child.report.admin.username, child.report.admin.password);
    const environmentId = swarm ? await createSwarmEnvironment(api) : await defaultEnvironmentId(api);

    const request = { environmentId, stackName: stack.name, productId: `com.example.${stack.name}` };
    let deployed = await api.call('POST', '/api/deployments', { body: request });
    // The catalog's first sync runs in the background of the start: wait for it to list the product.
    for (const started = Date.now(); deployed.status === 400 && Date.now() - started < CATALOG_WAIT_MS; ) {
      await sleep(250);
      deployed = await api.call('POST', '/api/deployments', { body: request });
    }
    if (deployed.status === 404 && deployed.body['code'] === 'NOT_FOUND') {
      await close();
      return { notMeasured: 'this build has no deployments API (POST /api/deployments answers 404)' };
    }
    if (deployed.status !== 201 || typeof deployed.body['deploymentId'] !== 'string') {
      throw new Error(`first deploy answered ${deployed.status}: ${JSON.stringify(deployed.body)}`);
    }
    deploymentId = deployed.body['deploymentId'];

    const created = await api.call('POST', '/api/api-keys', { body: { name: 'bench-redeploy', permissions: ['Hooks.Redeploy'], environmentId } });
    const apiKey = (created.body['apiKey'] as { fullKey?: string } | undefined)?.fullKey;
    if (apiKey === undefined) throw new Error(`key creation answered ${created.status}: ${JSON.stringify(created.body)}`);

    return {
      async redeploy() {
        const answer = await api.call('POST', '/api/hooks/redeploy', { body: { stackName: stack.name }, apiKey });
        if (answer.status !== 200) throw new Error(`redeploy answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

import { setTimeout as sleep } from 'node:timers/promises';
import type { ApiClient } from './api-client.js';
import type { BenchStack } from './bench-stack.js';

/** A stack deployed on a benchmark host, and a key allowed to redeploy it. */
export interface DeployedBenchStack {
  readonly deploymentId: string;
  readonly environmentId: string;
  readonly apiKey: string;
}

/** Why a side could not be measured, e.g. a build without the deployments API. */
export interface NotMeasured {
  readonly notMeasured: string;
}

/** How long the first deploy may wait for the catalog's first sync to list the product. */
const CATALOG_WAIT_MS = 30_000;

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

/**
 * Deploys the stack from the host's catalog through `POST /api/deployments` and creates an API
 * key with `Hooks.Redeploy` for its environment, as an operator would. `api` must be signed in
 * as an administrator. `swarm`: into a new environment of type `swarm` on the local engine
 * instead of the default one.
 */
export async function deployBenchStack(api: ApiClient, stack: Pick<BenchStack, 'name'>, swarm = false): Promise<DeployedBenchStack | NotMeasured> {
  const environmentId = swarm ? await createSwarmEnvironment(api) : await defaultEnvironmentId(api);

  const request = { environmentId, stackName: stack.name, productId: `com.example.${stack.name}` };
  let deployed = await api.call('POST', '/api/deployments', { body: request });
  // The catalog's first sync runs in the background of the start: wait for it to list the product.
  for (const started = Date.now(); deployed.status === 400 && Date.now() - started < CATALOG_WAIT_MS; ) {
    await sleep(250);
    deployed = await api.call('POST', '/api/deployments', { body: request });
  }
  if (deployed.status === 404 && deployed.body['code'] === 'NOT_FOUND') {
    return { notMeasured: 'this build has no deployments API (POST /api/deployments answers 404)' };
  }
  const deploymentId = deployed.body['deploymentId'];
  if (deployed.status !== 201 || typeof deploymentId !== 'string') {
    throw new Error(`first deploy answered ${deployed.status}: ${JSON.stringify(deployed.body)}`);
  }
  const created = await api.call('POST', '/api/api-keys', { body: { name: `bench-${stack.name}`, permissions: ['Hooks.Redeploy'], environmentId } });
  const apiKey = (created.body['apiKey'] as { fullKey?: string } | undefined)?.fullKey;
  if (apiKey === undefined) throw new Error(`key creation answered ${created.status}: ${JSON.stringify(created.body)}`);
  return { deploymentId, environmentId, apiKey };
}

import { setTimeout as sleep } from 'node:timers/promises';
import type { ExecutionContext } from 'ava';
import { docker } from './docker-cli.js';
import { removeDeploymentResources } from './docker-cleanup.js';

/** How long the tasks of removed services may take to stop. */
const TASKS_GONE_MS = 60_000;

/**
 * Removes every Swarm service labelled with the deployment id, waits until their task
 * containers are gone, then removes the deployment's containers, networks and volumes.
 */
export async function removeSwarmDeployment(deploymentId: string): Promise<void> {
  const filter = `label=rsgo.deployment=${deploymentId}`;
  const services = (await docker('service', 'ls', '--quiet', '--filter', filter)).split('\n').filter(Boolean);
  if (services.length > 0) await docker('service', 'rm', ...services);
  const until = Date.now() + TASKS_GONE_MS;
  while ((await docker('container', 'ls', '--all', '--quiet', '--filter', filter)) !== '' && Date.now() < until) await sleep(250);
  await removeDeploymentResources(deploymentId);
}

/** Registers the removal of each deployment's services and resources at the end of the test. */
export function cleanUpSwarmDeployments(t: ExecutionContext, ...deploymentIds: string[]): void {
  t.teardown(async () => {
    for (const id of deploymentIds) await removeSwarmDeployment(id);
  });
}

/** A service as `docker service inspect` shows it, the parts tests look at. */
export interface InspectedService {
  readonly ID: string;
  readonly Spec: {
    readonly Name: string;
    readonly Labels: Record<string, string>;
    readonly TaskTemplate: {
      readonly ContainerSpec: { readonly Image: string; readonly Labels?: Record<string, string> };
      readonly Placement?: { readonly Constraints?: string[] };
      readonly Resources?: { readonly Limits?: { readonly NanoCPUs?: number; readonly MemoryBytes?: number } };
      readonly ForceUpdate?: number;
    };
    readonly Mode: { readonly Replicated?: { readonly Replicas: number } };
    readonly UpdateConfig?: { readonly Order: string; readonly Parallelism: number; readonly FailureAction: string };
    readonly EndpointSpec?: { readonly Mode: string };
  };
  readonly UpdateStatus?: { readonly State: string };
}

/** `docker service inspect` of one service. */
export async function inspectService(name: string): Promise<InspectedService> {
  const [first] = JSON.parse(await docker('service', 'inspect', name)) as InspectedService[];
  if (first === undefined) throw new Error(`no service ${name}`);
  return first;
}

/** One task as `docker inspect` shows it. */
export interface InspectedTask {
  readonly ID: string;
  readonly Slot: number;
  readonly CreatedAt: string;
  readonly DesiredState: string;
  readonly Status: { readonly State: string; readonly Timestamp: string; readonly ContainerStatus?: { readonly ContainerID?: string } };
  readonly Spec: { readonly ContainerSpec: { readonly Image: string } };
}

/** Every task of the service, history included. */
export async function serviceTasks(name: string): Promise<InspectedTask[]> {
  const ids = (await docker('service', 'ps', '--quiet', '--no-trunc', name)).split('\n').filter(Boolean);
  return ids.length === 0 ? [] : (JSON.parse(await docker('inspect', ...ids)) as InspectedTask[]);
}

/** The running tasks' containers of the service. */
export async function runningContainers(name: string): Promise<string[]> {
  return (await serviceTasks(name))
    .filter((task) => task.DesiredState === 'running' && task.Status.State === 'running')
    .map((task) => task.Status.ContainerStatus?.ContainerID ?? '');
}

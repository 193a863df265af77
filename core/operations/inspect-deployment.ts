import type { ServiceRecord } from '../deployments/deployment.js';
import type { ServiceState } from '../deployments/deployment-view.js';
import { errorMessage } from '../errors.js';
import type { ContainerHealth, DeployedService, PlanEnvironment } from '../hooks/deploy-plan.js';
import type { DeploymentRef, RuntimeLookup } from '../hooks/runtime-registry.js';
import type { Logger } from '../logger.js';

/** How long a look at what runs may take. */
const INSPECT_TIMEOUT_MS = 30_000;

/** The containers a runtime reported, as a deployment records them. */
export function serviceRecords(services: readonly DeployedService[]): ServiceRecord[] {
  return services.map(({ serviceName, containerId, containerName, image, status, lifecycle, serviceId, replicas }) => ({
    serviceName,
    containerId,
    containerName,
    image,
    status,
    lifecycle,
    // Only orchestrators report these (swarm-runtime).
    ...(serviceId === undefined ? {} : { serviceId }),
    ...(replicas === undefined ? {} : { replicas: { running: replicas.running, desired: replicas.desired } }),
  }));
}

/** The containers found, and each one's health by container id where the runtime reports it. */
export interface FoundContainers {
  readonly services: ServiceRecord[];
  readonly health: Readonly<Record<string, ContainerHealth>>;
  /** Each container's engine state, health, restarts and start time, by container id. */
  readonly states: Readonly<Record<string, ServiceState>>;
}

/**
 * What runs for the deployment on `environment` now, asked of the runtime serving its type;
 * `{ error }` when it cannot tell. The runtime gives up when `signal` aborts, and at the latest
 * after {@link INSPECT_TIMEOUT_MS}.
 */
export async function inspectDeployment(
  runtimes: RuntimeLookup,
  environment: PlanEnvironment,
  target: DeploymentRef,
  log: Logger,
  signal?: AbortSignal,
): Promise<FoundContainers | { error: string }> {
  const runtime = runtimes.serving(environment.type);
  if (!runtime) return { error: `no runtime plugin serves environment type '${environment.type}'.` };
  const deadline = AbortSignal.timeout(INSPECT_TIMEOUT_MS);
  const scoped = log.child({ deploymentId: target.deploymentId, stack: target.stackName, operation: 'inspect' });
  try {
    const services = await runtime.inspect(environment, target, { signal: signal ? AbortSignal.any([signal, deadline]) : deadline, log: scoped });
    const health = Object.fromEntries(services.flatMap((s) => (s.health === undefined ? [] : [[s.containerId, s.health] as const])));
    const states = Object.fromEntries(
      services.map((s) => [s.containerId, { status: s.status, health: s.health ?? 'none', restartCount: s.restartCount ?? 0, startedAt: s.startedAt ?? null }] as const),
    );
    return { services: serviceRecords(services), health, states };
  } catch (err) {
    return { error: errorMessage(err) };
  }
}

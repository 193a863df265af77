import type { Deployment, DeploymentStatus, OperationKind, ServiceRecord } from './deployment.js';
import type { CommittedChange } from './deployment-store.js';

/** What recovery makes of a deployment whose operation the host never finished. */
export interface Reconciliation {
  readonly status: DeploymentStatus;
  /** For the history: what was found and what follows from it. */
  readonly message: string;
  /** The containers found; omitted when the engine could not be asked. */
  readonly services?: readonly ServiceRecord[];
  /** Set when the interrupted operation is found complete: its target is taken over. */
  readonly commit?: CommittedChange;
}

/** The operation that was running, also for records written before `pending` existed. */
export function interruptedOperation(deployment: Deployment): OperationKind {
  return deployment.pending?.operation ?? (deployment.status === 'Installing' ? 'deploy' : 'upgrade');
}

const running = (service: ServiceRecord | undefined): boolean => service?.status === 'running';

/** What runs under the deployment's label, with health by container id where it is reported. */
export interface FoundServices {
  readonly services: readonly ServiceRecord[];
  /** `healthy`, `unhealthy`, `starting` or `none` (no health check). */
  readonly health?: Readonly<Record<string, string>>;
}

/** Whether `found` are exactly the recorded containers, in the recorded states. */
export function sameContainers(found: readonly ServiceRecord[], recorded: readonly ServiceRecord[]): boolean {
  return (
    recorded.length > 0 &&
    found.length === recorded.length &&
    recorded.every((r) => found.some((f) => f.containerId === r.containerId && f.status === r.status))
  );
}

/**
 * Decides the truthful state of a deployment after the host stopped during an operation (or the
 * database refused its record: `cause`), from what the runtime reports under its label:
 * - engine unreachable → `Failed` (nothing can be vouched for);
 * - an interrupted removal → `Removed` when no container is left, else `Failed`;
 * - an interrupted stop → `Stopped` when no container runs;
 * - the recorded containers still there, untouched → `Running` as before;
 * - every service of the operation's target running, and healthy where it has a health check →
 *   `Running`, the target taken over;
 * - anything else → `Failed`, naming the services that do not run or whose health check has
 *   not passed: the crash came before the operation verified them, and a version nobody saw
 *   healthy is never recorded as Running.
 */
export function reconcileDeployment(
  deployment: Deployment,
  found: FoundServices | { error: string },
  cause = 'the host stopped',
): Reconciliation {
  const operation = interruptedOperation(deployment);
  const opening = `${cause.charAt(0).toUpperCase()}${cause.slice(1)} during the ${operation}`;
  if ('error' in found) {
    return { status: 'Failed', message: `${opening}; after the restart its containers could not be checked: ${found.error}` };
  }
  const services = found.services;
  if (operation === 'remove') {
    return services.length === 0
      ? { status: 'Removed', services, message: `${opening}; no container of the stack was left, so it is Removed.` }
      : { status: 'Failed', services, message: `${opening}; ${services.length} container(s) of the stack were still there.` };
  }
  if (operation === 'stop' && services.every((s) => !running(s))) {
    return { status: 'Stopped', services, message: `${opening}; none of its containers was running, so it is Stopped.` };
  }
  if (sameContainers(services, deployment.services) && deployment.services.every((s) => s.lifecycle === 'init' || running(s))) {
    return {
      status: 'Running',
      services,
      message: `${opening}; its containers had not been replaced yet, so version ${deployment.stackVersion} keeps running.`,
    };
  }
  const pending = deployment.pending;
  const expected = pending?.services.map((s) => s.serviceName) ?? deployment.services.filter((s) => s.lifecycle === 'service').map((s) => s.serviceName);
  const target = (name: string) => services.find((s) => s.serviceName === name && s.lifecycle === 'service');
  const stopped = expected.filter((name) => !running(target(name)));
  const unverified = expected.flatMap((name) => {
    const health = found.health?.[target(name)?.containerId ?? ''];
    return stopped.includes(name) || health === undefined || health === 'healthy' || health === 'none' ? [] : [`${name} (${health})`];
  });
  if (pending !== null && expected.length > 0 && stopped.length === 0 && unverified.length === 0) {
    return {
      status: 'Running',
      services,
      message: `${opening}; every service of version ${pending.version} was found running, so the ${operation} is taken as done.`,
      commit: {
        stackId: pending.stackId,
        stackDefinitionName: pending.stackDefinitionName ?? deployment.stackDefinitionName,
        version: pending.version,
        previousVersion: pending.version === deployment.stackVersion ? deployment.previousVersion : deployment.stackVersion,
        variables: pending.variables,
        secretVariables: pending.secretVariables,
      },
    };
  }
  const problems = [
    ...(stopped.length > 0 ? [`not running: ${stopped.join(', ')}`] : []),
    ...(unverified.length > 0 ? [`running but not healthy: ${unverified.join(', ')}`] : []),
  ];
  return {
    status: 'Failed',
    services,
    message: `${opening}; after the restart ${expected.length - stopped.length} of ${expected.length} service(s) were running (${problems.join('; ')}).`,
  };
}

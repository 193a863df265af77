import type Docker from 'dockerode';
import type { DeployPlan, Mount, PlannedService, PortBinding, SwarmFields } from '../../core/plugin-api.js';
import { containerSpec } from '../docker-runtime/container-spec.js';
import { deploymentLabels } from '../docker-runtime/deployment-labels.js';

/** What a plan built by hand leaves out (manifest.md "Swarm fields" defaults). */
const DEFAULT_SWARM_FIELDS: SwarmFields = {
  replicas: 1,
  placementConstraints: [],
  update: { order: 'stop-first', parallelism: 1, delayMs: 0, failureAction: 'rollback' },
  limits: { nanoCpus: null, memoryBytes: null },
  endpointMode: 'vip',
};

/** The service's Swarm fields, defaults where the plan has none. */
export function swarmFields(service: PlannedService): SwarmFields {
  return service.swarm ?? DEFAULT_SWARM_FIELDS;
}

/** The Swarm service a planned service becomes: `<stackName>_<service>`. */
export function swarmServiceName(plan: DeployPlan, service: PlannedService): string {
  return `${plan.stackName}_${service.name}`;
}

/** What the spec takes beyond the plan. */
export interface SpecInput {
  /** The reference pinned to its digest (`repo:tag@sha256:…`), so every node runs the same bytes. */
  readonly image: string;
  /** Swarm replaces every task when this changes, even when nothing else did (redeploy). */
  readonly forceUpdate: number;
  readonly stopGracePeriodSeconds: number;
}

const ns = (ms: number): number => Math.round(ms * 1_000_000);

/** Manifest restart policies in Swarm's terms: a service Swarm keeps running, or a task it leaves ended. */
const restartConditions: Readonly<Record<PlannedService['restart'], string>> = {
  no: 'none',
  'on-failure': 'on-failure',
  always: 'any',
  'unless-stopped': 'any',
};

function mountSettings(plan: DeployPlan, mount: Mount): Docker.MountSettings {
  const base = { Source: mount.source, Target: mount.target, ReadOnly: mount.readOnly };
  if (mount.type === 'bind') return { ...base, Type: 'bind' };
  // A node that has no such volume yet creates it from these options, labelled as the stack's own.
  const own = plan.volumes.some((volume) => volume.name === mount.source && !volume.external);
  const labels = { ...plan.labels, [deploymentLabels.deployment]: plan.deploymentId };
  return { ...base, Type: 'volume', ...(own ? { VolumeOptions: { NoCopy: false, Labels: labels, DriverConfig: { Name: 'local', Options: {} } } } : {}) };
}

/**
 * Published ports. With `vip` they go through Swarm's routing mesh (every node answers on the
 * port); `dnsrr` services have no virtual address, so each node publishes its own tasks'.
 */
function portConfigs(ports: readonly PortBinding[], mode: SwarmFields['endpointMode']): Docker.PortConfig[] {
  return ports.map((port) => ({
    Protocol: port.protocol,
    TargetPort: port.containerPort,
    ...(port.hostPort === 0 ? {} : { PublishedPort: port.hostPort }),
    PublishMode: mode === 'dnsrr' ? 'host' : 'ingress',
  }));
}

/**
 * The Swarm service spec of one planned service: every field of the plan that Swarm supports
 * (the Docker runtime's container spec, so both runtimes read a plan alike), the `rsgo.*`
 * labels on the service and on its task containers, replicas, placement, limits and the
 * update policy. A failed rollback pauses, so Swarm never loops between two broken specs.
 */
export function serviceSpec(plan: DeployPlan, service: PlannedService, input: SpecInput): Docker.ServiceSpec {
  const container = containerSpec(plan, service);
  const swarm = swarmFields(service);
  const check = container.healthCheck;
  const { nanoCpus, memoryBytes } = swarm.limits;
  const limits = { ...(nanoCpus === null ? {} : { NanoCPUs: nanoCpus }), ...(memoryBytes === null ? {} : { MemoryBytes: memoryBytes }) };
  const update: Docker.UpdateConfig = {
    Parallelism: swarm.update.parallelism,
    Delay: ns(swarm.update.delayMs),
    FailureAction: swarm.update.failureAction,
    MaxFailureRatio: 0,
    Order: swarm.update.order,
  };
  return {
    Name: swarmServiceName(plan, service),
    Labels: { ...container.labels },
    TaskTemplate: {
      ContainerSpec: {
        Image: input.image,
        Labels: { ...container.labels },
        ...(container.entrypoint ? { Command: [...container.entrypoint] } : {}),
        ...(container.command ? { Args: [...container.command] } : {}),
        Env: Object.entries(container.environment).map(([key, value]) => `${key}=${value}`),
        ...(container.workingDir ? { Dir: container.workingDir } : {}),
        ...(container.user ? { User: container.user } : {}),
        Mounts: container.mounts.map((mount) => mountSettings(plan, mount)),
        StopGracePeriod: ns(input.stopGracePeriodSeconds * 1000),
        ...(check
          ? { HealthCheck: { Test: [...check.test], Interval: ns(check.intervalMs), Timeout: ns(check.timeoutMs), Retries: check.retries, StartPeriod: ns(check.startPeriodMs) } }
          : {}),
      },
      ...(Object.keys(limits).length > 0 ? { Resources: { Limits: limits } } : {}),
      RestartPolicy: { Condition: restartConditions[service.restart] },
      Placement: { Constraints: [...swarm.placementConstraints] },
      Networks: container.networks.map((network) => ({ Target: network, Aliases: [...container.aliases] })),
      ForceUpdate: input.forceUpdate,
    },
    Mode: { Replicated: { Replicas: swarm.replicas } },
    UpdateConfig: update,
    RollbackConfig: { ...update, FailureAction: 'pause' },
    EndpointSpec: { Mode: swarm.endpointMode, Ports: portConfigs(container.ports, swarm.endpointMode) },
  };
}

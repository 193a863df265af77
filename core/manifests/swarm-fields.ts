/**
 * The Swarm fields of a service (manifest.md "Swarm fields"): how many replicas, where they
 * may run, how an update rolls out, resource limits and how the service is reached. Runtimes
 * that run one container per service (docker-runtime) ignore them.
 */

/** How Swarm replaces a service's tasks on an update. */
export interface UpdatePolicy {
  /** `start-first` starts a new task before stopping an old one (no gap with 2+ replicas). */
  readonly order: 'start-first' | 'stop-first';
  /** Tasks replaced at once. */
  readonly parallelism: number;
  /** Pause between two batches. */
  readonly delayMs: number;
  /** What Swarm does when a new task fails: put the previous spec back, or stop the update. */
  readonly failureAction: 'rollback' | 'pause';
}

/** Upper bounds of one task's resources; `null` for no bound. */
export interface ResourceLimits {
  /** CPUs in units of 10⁻⁹ CPU, as the engine takes them (`0.5` CPU = 500 000 000). */
  readonly nanoCpus: number | null;
  readonly memoryBytes: number | null;
}

/** A service's Swarm fields with defaults applied. */
export interface SwarmFields {
  /** Default 1. */
  readonly replicas: number;
  /** Placement constraints as Swarm writes them (`node.role == manager`, `node.labels.zone == a`). */
  readonly placementConstraints: readonly string[];
  readonly update: UpdatePolicy;
  readonly limits: ResourceLimits;
  /** `vip`: one virtual address per service; `dnsrr`: the name resolves to every task. Default `vip`. */
  readonly endpointMode: 'vip' | 'dnsrr';
}

/** The fields of a service that sets none: one replica, no constraint, stop-first updates one at a time that roll back on failure, no limits, `vip`. */
export const DEFAULT_SWARM_FIELDS: SwarmFields = {
  replicas: 1,
  placementConstraints: [],
  update: { order: 'stop-first', parallelism: 1, delayMs: 0, failureAction: 'rollback' },
  limits: { nanoCpus: null, memoryBytes: null },
  endpointMode: 'vip',
};

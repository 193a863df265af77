import type { Intent } from './intent.js';
import type { Principal } from './principal.js';
import type { Logger } from '../logger.js';
import type { HealthCheck } from '../manifests/manifest-model.js';
import type { PortBinding } from '../manifests/port-binding.js';
import type { ResourceLimits, SwarmFields, UpdatePolicy } from '../manifests/swarm-fields.js';

export type { HealthCheck, PortBinding, ResourceLimits, SwarmFields, UpdatePolicy };

/**
 * What a deploy plan asks a runtime to do. `remove` tears the stack down. (What runs is asked
 * through the runtime's own `inspect`, since plugin API 1.3.)
 */
export type DeployOperation = 'deploy' | 'redeploy' | 'upgrade' | 'rollback' | 'remove';

/**
 * The environment a plan targets. `settings` are what the schema of the runtime serving `type`
 * produced (secrets included); that runtime parses them with its own schema.
 */
export interface PlanEnvironment {
  readonly id: string;
  readonly name: string;
  /** Runtime type; `docker-runtime` serves `docker`. */
  readonly type: string;
  readonly settings: Readonly<Record<string, unknown>>;
}

export type Mount =
  | { readonly type: 'volume'; readonly source: string; readonly target: string; readonly readOnly: boolean }
  | {
      readonly type: 'bind';
      /** Absolute host path. */
      readonly source: string;
      readonly target: string;
      readonly readOnly: boolean;
      /**
       * Set when the manifest gave the source relative to the stack (`./data`): the host's folder
       * for the stack, which the source must not leave. Absent for an absolute source, which a
       * runtime checks against its own allowed folders.
       */
      readonly stackFolder?: string;
    };

/** One service with every variable already substituted. */
export interface PlannedService {
  /** The manifest's service key. */
  readonly name: string;
  readonly containerName: string;
  /** Image reference with a tag (`latest` when the manifest had none). */
  readonly image: string;
  /** `init` containers run once before the services and must exit 0. */
  readonly lifecycle: 'service' | 'init';
  readonly initTimeoutSeconds: number;
  readonly command: readonly string[] | null;
  readonly entrypoint: readonly string[] | null;
  readonly environment: Readonly<Record<string, string>>;
  readonly ports: readonly PortBinding[];
  readonly mounts: readonly Mount[];
  /** Full network names; the container joins each with its service name as alias. */
  readonly networks: readonly string[];
  /** Service names that must be started first. */
  readonly dependsOn: readonly string[];
  readonly workingDir: string | null;
  readonly user: string | null;
  readonly restart: 'no' | 'always' | 'unless-stopped' | 'on-failure';
  /** Manifest labels plus the host's `rsgo.*` labels. */
  readonly labels: Readonly<Record<string, string>>;
  readonly healthCheck: HealthCheck | null;
  /**
   * Replicas, placement constraints, update policy, resource limits and endpoint mode, for
   * runtimes that orchestrate (swarm-runtime); others ignore them. Absent: one replica, no
   * constraint, stop-first updates one at a time that roll back on failure, no limits, `vip`.
   * Since plugin API 1.5.
   */
  readonly swarm?: SwarmFields;
}

export interface PlannedResource {
  /** Full name on the engine (`<stackName>_<name>` unless external). */
  readonly name: string;
  /**
   * A volume's name before names were made unambiguous, when it differs (stack names with `_`):
   * a volume of that name that the deployment already owns is the one to keep using.
   */
  readonly formerName?: string;
  readonly external: boolean;
  readonly labels: Readonly<Record<string, string>>;
}

/** Everything a runtime needs to make an environment run one stack of one version. */
export interface DeployPlan {
  readonly operation: DeployOperation;
  readonly deploymentId: string;
  readonly environment: PlanEnvironment;
  /** The deployment's stack name (`acme-api`); prefix of container, volume and network names. */
  readonly stackName: string;
  /** The product's groupId. */
  readonly productId: string;
  readonly version: string;
  /** The host's labels, put on everything the runtime creates. */
  readonly labels: Readonly<Record<string, string>>;
  /** In manifest order; the runtime starts them in `dependsOn` order. Empty for `remove`. */
  readonly services: readonly PlannedService[];
  readonly volumes: readonly PlannedResource[];
  readonly networks: readonly PlannedResource[];
  /** `remove` only: also delete the stack's named volumes. */
  readonly removeVolumes: boolean;
  /**
   * The network all stacks of the plan's product deployment share (`<deploymentName>_product`),
   * so they reach each other by service name; absent or null for a stack deployed on its own.
   * A runtime creates it when missing and joins every container of the plan to it with its
   * service name as alias; `remove` deletes it once no container is attached any more. Since
   * plugin API 1.3.
   */
  readonly productNetwork?: string | null;
}

/** A container as the runtime left it. */
export interface DeployedService {
  readonly serviceName: string;
  readonly containerId: string;
  readonly containerName: string;
  readonly image: string;
  readonly imageId: string;
  /** Engine state: `running`, `exited`, `created`... */
  readonly status: string;
  readonly lifecycle: 'service' | 'init';
  /**
   * The container's health check as the engine last saw it; `none` when it has no check.
   * Optional: a runtime that omits it reports no health, and recovery after a crash then goes
   * by the engine state alone.
   */
  readonly health?: ContainerHealth;
  /** On an orchestrator (swarm-runtime), the service's id: `containerId` is the same id, since a service stands for its tasks. Since plugin API 1.5. */
  readonly serviceId?: string;
  /** On an orchestrator, its tasks running and wanted. Since plugin API 1.5. */
  readonly replicas?: ServiceReplicas;
  /** How often the engine restarted the container by its restart policy. Since plugin API 1.5. */
  readonly restartCount?: number;
  /** When its process last started (ISO-8601 UTC); `null` when it never ran. Since plugin API 1.5. */
  readonly startedAt?: string | null;
}

/** How many of a service's tasks run, and how many it should have. */
export interface ServiceReplicas {
  readonly running: number;
  readonly desired: number;
}

/** A container's health: `starting` until its check first passes (or fails for good). */
export type ContainerHealth = 'healthy' | 'unhealthy' | 'starting' | 'none';

/** What a runtime returns for a plan it carried out. */
export interface DeployResult {
  /** The runtime instance that carried the plan out. */
  readonly runtime: string;
  readonly services: readonly DeployedService[];
}

/**
 * A step a runtime reports while it works, for live progress: per service `pull` (starting a
 * pull, and the engine's status lines), `pulled`, `create`, `start`, `wait` (for it to run and
 * be healthy), then `healthy` (it runs) or `failed`; also `init`, `stop` and `remove`.
 * `pulled`, `wait` and `failed` are new in plugin API 1.1; `rollback` (an orchestrator put the
 * previous version back) in 1.5.
 */
export interface DeployProgress {
  /** The service the step is about; `null` for the stack's networks and volumes. */
  readonly service: string | null;
  readonly step: 'pull' | 'pulled' | 'create' | 'start' | 'wait' | 'healthy' | 'failed' | 'stop' | 'remove' | 'init' | 'rollback';
  readonly message: string;
}

/**
 * A line a service's container wrote (stdout or stderr) while it started, for the followers of
 * the operation. Since plugin API 1.5.
 */
export interface ContainerOutput {
  /** The manifest's service name. */
  readonly service: string;
  /** One line, without its line break. */
  readonly line: string;
}

/** Passed to every deploy-phase tap with the plan. */
export interface DeployContext {
  /** Aborted when the deploy's deadline passes; runtimes must honour it. */
  readonly signal: AbortSignal;
  /** Who triggered the operation; `null` for the host itself (crash recovery). */
  readonly principal: Principal | null;
  /**
   * The id of the request that triggered it (`X-Request-Id`); `null` for the host itself. Since
   * plugin API 1.2; the host always sets it.
   */
  readonly requestId?: string | null;
  /**
   * Why the operation runs, as its caller said (reason, commit, pipeline URL; each `null` when
   * not given), for notifications to carry. Since plugin API 1.5; the host always sets it.
   */
  readonly intent?: Intent;
  /**
   * The operation a hook call became (`GET /api/operations/:id`), for notifications to name;
   * `null` for operations that are no hook call. Since plugin API 1.5.
   */
  readonly operationId?: string | null;
  readonly log: Logger;
  /** Reports a step; the host logs it and shows it to clients waiting for the operation. */
  progress(event: DeployProgress): void;
  /**
   * Relays a line of a new container's output, from its start until it is judged ready or
   * failed, to the operation's followers (redacted and bounded by the host). Absent when nobody
   * can follow the operation: a runtime then need not read the output at all. Since plugin API 1.5.
   */
  readonly output?: (event: ContainerOutput) => void;
}

/** What `afterDeploy` taps receive: the plan and how it ended. */
export interface DeployOutcome {
  readonly plan: DeployPlan;
  readonly success: boolean;
  readonly result: DeployResult | null;
  /** The failure's message and code when `success` is false. */
  readonly error: { readonly message: string; readonly code: string } | null;
  readonly durationMs: number;
  /**
   * The version the deployment ran before the operation (for a rollback, the version it rolls
   * back from); `null` for a first deploy. Since plugin API 1.5.
   */
  readonly previousVersion?: string | null;
}

/** The deployment records: what the host keeps about each stack it runs and each operation on it. */

/**
 * Where a deployment stands. `Installing` and `Upgrading` only while an operation runs (a
 * redeploy and a rollback count as `Upgrading`); `Stopped` after an operator stopped its
 * containers (they are kept); `Removed` is final.
 */
export type DeploymentStatus = 'Installing' | 'Upgrading' | 'Running' | 'Stopped' | 'Failed' | 'Removed';

/** A product deployment's status: its stacks' statuses summed up, or the operation running. */
export type ProductDeploymentStatus = DeploymentStatus | 'PartiallyRunning' | 'Redeploying';

/** What an operation on a deployment did. */
export type OperationKind = 'deploy' | 'redeploy' | 'upgrade' | 'rollback' | 'remove' | 'recover' | 'stop' | 'start' | 'restart';

/** How an operation ended; `InProgress` until it does. */
export type OperationOutcome = 'InProgress' | 'Succeeded' | 'Failed';

/** One container of a deployment, as the runtime last reported it. */
export interface ServiceRecord {
  readonly serviceName: string;
  readonly containerId: string;
  readonly containerName: string;
  readonly image: string;
  /** Engine state: `running`, `exited`... */
  readonly status: string;
  /** `init` containers ran once before the services; they stay, exited, until the next deploy. */
  readonly lifecycle: 'service' | 'init';
  /** On Swarm: the service's id (also in `containerId`: a service stands for its tasks). */
  readonly serviceId?: string;
  /** On Swarm: its tasks running and wanted when the record was written. */
  readonly replicas?: { readonly running: number; readonly desired: number };
}

/** One operation on a deployment. */
export interface HistoryEntry {
  readonly id: number;
  readonly operation: OperationKind;
  readonly outcome: OperationOutcome;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly message: string | null;
  /** `apiKey:<name>`, `user:<name>`, or `host` for what the host did on its own (recovery). */
  readonly triggeredBy: string;
  readonly fromVersion: string | null;
  readonly toVersion: string | null;
  /** The caller's intent (see `Intent`); `null` when not given. */
  readonly reason: string | null;
  readonly commit: string | null;
  readonly pipelineUrl: string | null;
  /** The operation (`GET /api/operations/:id`) this entry ran as; `null` when it was none. */
  readonly operationId: string | null;
}

/** What an operation in flight is making the deployment into; committed when it succeeds. */
export interface PendingChange {
  readonly operation: OperationKind;
  readonly stackId: string;
  /** The target's stack name in its manifest; absent in records written before it was kept. */
  readonly stackDefinitionName?: string;
  readonly version: string;
  readonly variables: Readonly<Record<string, string>>;
  readonly secretVariables: readonly string[];
  /** Service (not init) containers the operation starts: name and image. */
  readonly services: readonly { readonly serviceName: string; readonly containerName: string; readonly image: string }[];
}

/** One stack deployed in one environment, with its current state. */
export interface Deployment {
  readonly id: string;
  readonly environmentId: string;
  /** The deployment's name; prefix of its containers, networks and volumes. */
  readonly stackName: string;
  /** The catalog stack it came from: `<sourceId>:<productId or name>:<version>:<stack>`. */
  readonly stackId: string;
  /** The product's groupId. */
  readonly productId: string;
  readonly productName: string;
  /** The stack's name inside the product manifest. */
  readonly stackDefinitionName: string;
  readonly stackVersion: string;
  readonly previousVersion: string | null;
  readonly status: DeploymentStatus;
  readonly errorMessage: string | null;
  /** The values the running containers were made with (secrets included: mask before showing). */
  readonly variables: Readonly<Record<string, string>>;
  /** Names of the `Password` variables, so masking never depends on the catalog. */
  readonly secretVariables: readonly string[];
  readonly services: readonly ServiceRecord[];
  readonly pending: PendingChange | null;
  readonly productDeploymentId: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/**
 * What a check made before an operation's lock judges of a deployment: its state, what it runs
 * and its stored values. Read without the services and the rest, which only the work needs.
 */
export type DeploymentStanding = Pick<Deployment, 'status' | 'productId' | 'stackDefinitionName' | 'stackVersion' | 'variables'>;

/** A product deployed in one environment: one deployment per stack. */
export interface ProductDeployment {
  readonly id: string;
  readonly environmentId: string;
  readonly productId: string;
  readonly productName: string;
  readonly version: string;
  readonly deploymentName: string;
  readonly status: ProductDeploymentStatus;
  readonly errorMessage: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** Statuses in which an operation was running; found at start after a crash. */
export const IN_FLIGHT_STATUSES: readonly DeploymentStatus[] = ['Installing', 'Upgrading'];

/**
 * A product deployment's status from its stacks': `Running` when all live stacks run,
 * `PartiallyRunning` when some do, `Stopped` when all were stopped, `Failed` when none runs
 * otherwise, `Removed` when all are removed.
 */
export function productStatusOf(stacks: readonly DeploymentStatus[]): ProductDeploymentStatus {
  const live = stacks.filter((status) => status !== 'Removed');
  if (live.length === 0) return 'Removed';
  const running = live.filter((status) => status === 'Running').length;
  if (running === live.length) return 'Running';
  if (running > 0) return 'PartiallyRunning';
  return live.every((status) => status === 'Stopped') ? 'Stopped' : 'Failed';
}

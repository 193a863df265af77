/** The shapes of the host's management API (`docs/http-api` §2), as the UI reads them. */

/** `POST /api/auth/login`. */
export interface LoginResponse {
  readonly success: true;
  readonly token: string;
  readonly expiresAt: string;
}

/** The host's own declarations, where it has them: no copy to drift from what it sends. */
export type { Environment } from '../../../core/environments/environment.js';
import type { ProductDeployment as ProductDeploymentRecord } from '../../../core/deployments/deployment.js';
export type { ApiKeySummary, CreatedApiKey } from '../../../core/api-keys/api-key.js';

/** A catalog entry's parts may be names or objects carrying one. */
export type Named = string | { readonly name?: string; readonly version?: string };

export interface CatalogStack {
  readonly name: string;
  readonly services?: readonly Named[];
  readonly variables?: readonly Named[];
}

export interface CatalogProduct {
  readonly id: string;
  readonly groupId: string;
  readonly name: string;
  readonly version: string;
  readonly sourceId: string;
  readonly description?: string | null;
  readonly versions?: readonly Named[];
  readonly stacks?: readonly CatalogStack[];
}

/** `POST /api/catalog/sync`: the 200 body, and the 500 body when a source failed. */
export interface SyncReport {
  readonly success: boolean;
  readonly message: string;
  readonly sourcesSynced?: number;
  readonly stacksLoaded?: number;
  readonly errors?: readonly { readonly source: string; readonly message: string }[];
  readonly warnings?: readonly { readonly source: string; readonly file: string; readonly message: string }[];
}

export interface DeploymentService {
  readonly serviceName: string;
  readonly containerId: string | null;
  readonly containerName: string;
  readonly image: string;
  readonly status: string;
  /** From the engine when the deployment was read; `null` when it could not be asked. */
  readonly health?: 'healthy' | 'unhealthy' | 'starting' | 'none' | null;
  readonly restartCount?: number | null;
  readonly startedAt?: string | null;
}

/** One line of a deployment's container logs, Password values already hidden by the host. */
export type { RuntimeLogLine as LogLine } from '../../../core/hooks/runtime.js';

/** One operation on a deployment and who or what started it. */
export interface DeploymentHistoryEntry {
  readonly id?: number;
  readonly operation: string;
  readonly outcome: string;
  readonly startedAt: string;
  readonly finishedAt?: string | null;
  readonly message?: string | null;
  /** `apiKey:<name>`, `user:<name>` or `host`. */
  readonly triggeredBy?: string | null;
  readonly fromVersion?: string | null;
  readonly toVersion?: string | null;
  /** Why it ran, as its caller said. */
  readonly reason?: string | null;
  readonly commit?: string | null;
  /** The http(s) address of the pipeline run that asked for it. */
  readonly pipelineUrl?: string | null;
  /** The operation it ran as (`GET /api/operations/:id`), when it was one. */
  readonly operationId?: string | null;
}

export interface Deployment {
  readonly id: string;
  readonly environmentId: string;
  readonly stackName: string;
  readonly stackVersion: string;
  readonly productId: string;
  readonly productName?: string;
  /** The product deployment the stack belongs to, when it was deployed as part of one. */
  readonly productDeploymentId?: string | null;
  readonly status: string;
  readonly errorMessage?: string | null;
  readonly updatedAt?: string;
  readonly variables?: Readonly<Record<string, string>>;
  readonly services?: readonly DeploymentService[];
  readonly history?: readonly DeploymentHistoryEntry[];
}

/** One stack of a product deployment, as `GET /api/product-deployments/:id` summarises it. */
export interface ProductStack {
  /** The stack's name in the product manifest. */
  readonly stackName: string;
  readonly deploymentId: string;
  readonly deploymentStackName: string;
  readonly stackVersion: string;
  readonly status: string;
  readonly errorMessage: string | null;
}

/** `GET /api/product-deployments/:id`: every stack of a product deployed together. */
export interface ProductDeployment extends ProductDeploymentRecord {
  readonly stacks: readonly ProductStack[];
}

export interface AuditEvent {
  readonly id: number;
  readonly at: string;
  readonly action: string;
  readonly outcome: 'success' | 'denied' | 'failure';
  readonly status: number | null;
  readonly actorKind: string | null;
  readonly actorName: string | null;
  readonly clientIp: string | null;
  readonly endpoint: string | null;
  readonly target: string | null;
  readonly environmentId: string | null;
  readonly code: string | null;
  readonly message: string | null;
}

export interface AuditPage {
  readonly events: readonly AuditEvent[];
  readonly page: number;
  readonly pageSize: number;
  readonly total: number;
}

export type {
  AttemptView as DeliveryAttempt,
  DeliveryView as EventDelivery,
  DeliveryPage as EventDeliveryPage,
} from '../../../core/plugin-host/delivery-store.js';

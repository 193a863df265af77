/**
 * The shapes of the host's answers the CLI reads, as the HTTP API contract describes them
 * (docs/ci-cd.md and the API reference). Only the fields the CLI shows are listed; where the
 * host declares the exact shape it sends, that declaration is used.
 */

/** An item of `GET /api/api-keys`. */
export type { ApiKeySummary as ApiKeyItem } from '../core/api-keys/api-key.js';
/** The `progress` of `GET /api/deployments/:id/progress` (`null` before any operation), and one of its steps. */
export type { OperationProgress, ProgressEvent } from '../core/deployments/deployment-progress.js';

/** The `apiKey` of `POST /api/api-keys`: the only answer with the full key. */
export type { CreatedApiKey } from '../core/api-keys/api-key.js';
/** An item of `GET /api/environments`. */
export type { Environment as EnvironmentItem } from '../core/environments/environment.js';

/** An item of `GET /api/catalog`. */
export interface CatalogProduct {
  readonly id: string;
  readonly groupId: string;
  readonly name: string;
  readonly version: string;
  readonly sourceId: string;
  readonly versions?: readonly string[];
  readonly stacks?: readonly { readonly name: string; readonly services?: readonly unknown[] }[];
}

/** One container of a deployment. */
export interface DeploymentService {
  readonly serviceName: string;
  readonly containerName: string;
  readonly image: string;
  readonly status: string;
}

/** One operation in a deployment's history. */
export interface DeploymentHistoryEntry {
  readonly operation?: string;
  readonly outcome?: string;
  readonly startedAt?: string;
  readonly fromVersion?: string | null;
  readonly toVersion?: string | null;
  readonly message?: string | null;
  readonly triggeredBy?: string;
  readonly reason?: string | null;
  readonly commit?: string | null;
  readonly pipelineUrl?: string | null;
}

/** An item of `GET /api/deployments`, and the `deployment` of `GET /api/deployments/:id`. */
export interface DeploymentRecord {
  readonly id: string;
  readonly environmentId: string;
  readonly stackName: string;
  readonly stackVersion: string;
  readonly productId: string;
  readonly status: string;
  readonly errorMessage?: string | null;
  readonly updatedAt?: string;
  readonly variables?: Readonly<Record<string, string>>;
  readonly services?: readonly DeploymentService[];
  readonly history?: readonly DeploymentHistoryEntry[];
}

/**
 * The contract between the webhook routes and the services that do the work. The routes
 * authenticate, check the permission, validate the body and resolve the environment; a
 * handler receives clean input and either returns its answer (sent as 200 with
 * `success: true`) or throws a HostError (`InputError`, `DeploymentFailedError`... → 4xx/5xx).
 */
import type { Caller } from '../auth/caller.js';
import type { SyncSourcesResult } from '../catalog/sync-sources-result.js';

/** What a redeploy addresses: one deployed stack, or a product deployment (all or one stack). */
export type RedeployTarget =
  | { readonly kind: 'stack'; readonly stackName: string }
  | {
      readonly kind: 'product';
      /** The product's groupId. */
      readonly productId: string;
      /** One stack of the product (case-insensitive); `null` = all of them. */
      readonly stackDefinitionName: string | null;
    };

export interface RedeployInput {
  /** A UUID (lower case), already checked against the key's environment scope. */
  readonly environmentId: string;
  readonly target: RedeployTarget;
  /** Overrides merged over the stored values. */
  readonly variables: Readonly<Record<string, string>>;
}

/** `POST /api/hooks/redeploy` 200 body, without `success`. */
export interface RedeployResult {
  readonly message: string;
  /** Set for a stack redeploy. */
  readonly deploymentId?: string;
  /** Set for a product redeploy. */
  readonly productDeploymentId?: string;
  /** The stack name, or the product's name. */
  readonly stackName: string;
  readonly stackVersion: string;
}

export interface UpgradeInput {
  readonly environmentId: string;
  readonly stackName: string;
  readonly targetVersion: string;
  readonly variables: Readonly<Record<string, string>>;
}

/** `POST /api/hooks/upgrade` 200 body, without `success`. */
export interface UpgradeResult {
  readonly message: string;
  readonly deploymentId: string;
  readonly previousVersion: string;
  readonly newVersion: string;
}

/** What the host wires behind the webhook routes (deployments and the catalog). */
export interface WebhookHandlers {
  redeploy(input: RedeployInput, caller: Caller): Promise<RedeployResult>;
  upgrade(input: UpgradeInput, caller: Caller): Promise<UpgradeResult>;
  syncSources(caller: Caller): Promise<SyncSourcesResult>;
}

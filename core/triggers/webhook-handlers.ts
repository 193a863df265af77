/**
 * What the webhook routes call once a hook call was authenticated, permitted, validated and its
 * environment resolved: the operations themselves (the host wires `redeploy`, `upgrade` and the
 * catalog's sync in directly; a test host may put recorders in their place). A handler returns
 * the 200 body without `success`, or throws a HostError. The checks let an asynchronous call
 * refuse at once what would be refused anyway.
 */
import type { Caller } from '../auth/caller.js';
import type { SyncSourcesResult } from '../catalog/sync-sources-result.js';
import type { RedeployInput, RedeployResult } from '../operations/redeploy.js';
import type { UpgradeInput, UpgradeResult } from '../operations/upgrade.js';

export type { RedeployInput, RedeployResult, RedeployTarget } from '../operations/redeploy.js';
export type { UpgradeInput, UpgradeResult } from '../operations/upgrade.js';

export interface WebhookHandlers {
  redeploy(input: RedeployInput, caller: Caller): Promise<RedeployResult>;
  upgrade(input: UpgradeInput, caller: Caller): Promise<UpgradeResult>;
  syncSources(caller: Caller): Promise<SyncSourcesResult>;
  /** Refuses, before any work, what `redeploy` would refuse before any work (lookups, status, variables). */
  checkRedeploy?(input: RedeployInput): Promise<void>;
  /** Refuses, before any work, what `upgrade` would refuse before any work. */
  checkUpgrade?(input: UpgradeInput): Promise<void>;
}

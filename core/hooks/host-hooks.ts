import { AsyncSeriesBailHook, AsyncSeriesHook, AsyncSeriesWaterfallHook } from 'tapable';
import type { AuthRequest, Principal } from './principal.js';
import type { CatalogSourceRequest, CatalogSourceResult } from './catalog-source.js';
import type { CatalogSyncOutcome } from './catalog-sync-outcome.js';
import type { DeployContext, DeployOutcome, DeployPlan, DeployResult } from './deploy-plan.js';

/** Gathers each catalog source's answer (or failure) during one sync. */
export interface CatalogSyncRun {
  /** The request the sync serves, if any. */
  readonly requestId: string | null;
  request(sourceId: string): CatalogSourceRequest;
  settle(sourceId: string, outcome: { result: CatalogSourceResult } | { error: unknown }): void;
}

/**
 * The host's hook points, one frozen object. Only the core calls them; plugins tap them through
 * a {@link PluginHooks} view.
 */
export interface HostHooks {
  /** First tap returning a principal wins; `undefined` means "not my credentials". */
  readonly authenticate: AsyncSeriesBailHook<[AuthRequest], Principal | undefined>;
  /** Each tap may return an amended plan (`undefined` keeps it) or throw to veto. */
  readonly beforeDeploy: AsyncSeriesWaterfallHook<[DeployPlan, DeployContext]>;
  /** The runtime serving the plan's environment type returns a result; others `undefined`. */
  readonly deploy: AsyncSeriesBailHook<[DeployPlan, DeployContext], DeployResult | undefined>;
  /** Called after every outcome; failures are logged, never undo a deployment. */
  readonly afterDeploy: AsyncSeriesHook<[DeployOutcome, DeployContext]>;
  /** Each source answers for itself; one failing source never stops the others. */
  readonly catalogSource: AsyncSeriesHook<[CatalogSyncRun]>;
  /** Called after every catalog sync, success or failure; the sync's answer does not wait for it. */
  readonly afterCatalogSync: AsyncSeriesHook<[CatalogSyncOutcome]>;
}

/** The names of the hook points, in pipeline order. */
export const hookNames = ['authenticate', 'beforeDeploy', 'deploy', 'afterDeploy', 'catalogSource', 'afterCatalogSync'] as const;
export type HookName = (typeof hookNames)[number];

/** Creates the host's hook set. */
export function createHostHooks(): HostHooks {
  return Object.freeze({
    authenticate: new AsyncSeriesBailHook<[AuthRequest], Principal | undefined>(['request']),
    beforeDeploy: new AsyncSeriesWaterfallHook<[DeployPlan, DeployContext]>(['plan', 'context']),
    deploy: new AsyncSeriesBailHook<[DeployPlan, DeployContext], DeployResult | undefined>(['plan', 'context']),
    afterDeploy: new AsyncSeriesHook<[DeployOutcome, DeployContext]>(['outcome', 'context']),
    catalogSource: new AsyncSeriesHook<[CatalogSyncRun]>(['run']),
    afterCatalogSync: new AsyncSeriesHook<[CatalogSyncOutcome]>(['outcome']),
  });
}

/** Options of one tap. Lower `stage` runs earlier; equal stages keep config order. */
export interface TapOptions {
  readonly stage?: number;
}

/** A hook as a plugin sees it: it can add a tap, nothing else. */
export interface TapOnly<Args extends unknown[], Result> {
  tap(fn: (...args: Args) => Promise<Result>, options?: TapOptions): void;
}

/** The tap-only view of the hooks a plugin receives; taps are named after the plugin instance. */
export interface PluginHooks {
  readonly authenticate: TapOnly<[AuthRequest], Principal | undefined>;
  readonly beforeDeploy: TapOnly<[DeployPlan, DeployContext], DeployPlan | undefined>;
  readonly deploy: TapOnly<[DeployPlan, DeployContext], DeployResult | undefined>;
  readonly afterDeploy: TapOnly<[DeployOutcome, DeployContext], void>;
  readonly catalogSource: TapOnly<[CatalogSourceRequest], CatalogSourceResult>;
  /** Since plugin API 1.5. */
  readonly afterCatalogSync: TapOnly<[CatalogSyncOutcome], void>;
}

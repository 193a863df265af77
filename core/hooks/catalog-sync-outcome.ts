import type { Principal } from './principal.js';

/** What `afterCatalogSync` taps receive: how one catalog sync ended. Since plugin API 1.5. */
export interface CatalogSyncOutcome {
  /** No source failed. */
  readonly success: boolean;
  /** Sources that answered without error. */
  readonly sourcesSynced: number;
  /** Product versions those sources have in the catalog. */
  readonly stacksLoaded: number;
  /** Each source that failed, and why (the source's own words, without secrets). */
  readonly errors: readonly { readonly source: string; readonly message: string }[];
  /** Manifests skipped and conflicts, which do not fail a sync. */
  readonly warnings: readonly { readonly source: string; readonly file: string; readonly message: string }[];
  readonly durationMs: number;
  /** Who asked for the sync; `null` for the host itself (the sync at start). */
  readonly principal: Principal | null;
  /** The request that started the sync; `null` for the host itself. */
  readonly requestId: string | null;
}

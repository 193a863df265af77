import type { HostHooks } from '../hooks/host-hooks.js';
import type { CatalogSourceResult } from './catalog-source.js';

/** How one source answered a sync. */
export type SourceOutcome = { readonly result: CatalogSourceResult } | { readonly error: unknown };

/**
 * Asks every catalog source for its files through the `catalogSource` hook. Each source is
 * settled on its own, so a failing one never hides the others. A source's signal aborts with
 * `signal`, or `timeoutMs` after that source was asked (so the work of a source that the hook
 * timeout cut off stops too).
 */
export async function runCatalogSources(
  hooks: HostHooks,
  previousRevisions: ReadonlyMap<string, string>,
  signal: AbortSignal,
  timeoutMs?: number,
): Promise<Map<string, SourceOutcome>> {
  const outcomes = new Map<string, SourceOutcome>();
  await hooks.catalogSource.promise({
    request: (sourceId) => ({
      sourceId,
      previousRevision: previousRevisions.get(sourceId) ?? null,
      signal: timeoutMs === undefined ? signal : AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
    }),
    settle: (sourceId, outcome) => outcomes.set(sourceId, outcome),
  });
  return outcomes;
}

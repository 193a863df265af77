import type { HostHooks } from '../hooks/host-hooks.js';
import type { CatalogSourceResult } from '../hooks/catalog-source.js';

/** How one source answered a sync. */
export type SourceOutcome = { readonly result: CatalogSourceResult } | { readonly error: unknown };

/**
 * Asks every catalog source for its files through the `catalogSource` hook. Each source is
 * settled on its own, so a failing one never hides the others.
 *
 * A source's signal aborts with `signal`, `timeoutMs` after the source was asked, and as soon
 * as the source fails or is cut off by the hook timeout: whatever it still runs is orphaned
 * then and must stop. A source that answered keeps a live signal for its `read` calls.
 * `requestId` names the request the sync serves in the sources' failure log lines.
 * `answered` hears how long each source took, from being asked to its answer.
 */
export async function runCatalogSources(
  hooks: HostHooks,
  previousRevisions: ReadonlyMap<string, string>,
  signal: AbortSignal,
  timeoutMs?: number,
  requestId: string | null = null,
  answered?: (sourceId: string, seconds: number) => void,
): Promise<Map<string, SourceOutcome>> {
  const outcomes = new Map<string, SourceOutcome>();
  const finishers = new Map<string, (failed: boolean) => void>();
  const asked = new Map<string, number>();
  await hooks.catalogSource.promise({
    requestId,
    request: (sourceId) => {
      asked.set(sourceId, performance.now());
      const controller = new AbortController();
      const abort = () => controller.abort(signal.reason);
      if (signal.aborted) abort();
      else signal.addEventListener('abort', abort, { once: true });
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => controller.abort(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      finishers.set(sourceId, (failed) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', abort);
        if (failed) controller.abort(new Error('the source failed'));
      });
      return { sourceId, previousRevision: previousRevisions.get(sourceId) ?? null, signal: controller.signal };
    },
    settle: (sourceId, outcome) => {
      finishers.get(sourceId)?.('error' in outcome);
      outcomes.set(sourceId, outcome);
      const since = asked.get(sourceId);
      if (since !== undefined) answered?.(sourceId, (performance.now() - since) / 1000);
    },
  });
  return outcomes;
}

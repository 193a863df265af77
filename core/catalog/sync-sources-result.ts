import { InternalError } from '../errors.js';
import type { SyncReport } from './catalog-service.js';

/** `POST /api/hooks/sync-sources` 200 body, without `success`. */
export interface SyncSourcesResult {
  readonly stacksLoaded: number;
  readonly sourcesSynced: number;
  readonly message: string;
  readonly warnings?: readonly { readonly source: string; readonly file: string; readonly message: string }[];
}

/**
 * The answer of `POST /api/hooks/sync-sources` and `POST /api/catalog/sync` for a sync: the 200
 * body (warnings only when there are some), or, when a source failed, a 500 error whose body
 * carries the counts, every failure and the warnings, so a pipeline sees what went wrong.
 */
export function syncSourcesResult(report: SyncReport): SyncSourcesResult {
  const counts = { stacksLoaded: report.stacksLoaded, sourcesSynced: report.sourcesSynced };
  if (report.errors.length === 0) {
    return {
      ...counts,
      message: `Synced ${report.sourcesSynced} source(s), loaded ${report.stacksLoaded} stack(s).`,
      ...(report.warnings.length > 0 ? { warnings: report.warnings } : {}),
    };
  }
  const failures = report.errors.map((error) => `Failed to sync '${error.source}': ${error.message}`).join('; ');
  throw new InternalError(`Sync completed with errors: ${failures}`, {
    code: 'SYNC_FAILED',
    // The reasons are the sources' own (scrubbed) messages, meant for the caller.
    expose: true,
    fields: { ...counts, errors: report.errors, warnings: report.warnings },
  });
}

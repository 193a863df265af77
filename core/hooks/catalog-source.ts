/**
 * The contract between the host and a catalog source. A source only lists and reads files;
 * the host parses, validates, assigns ids, merges, counts, reports and keeps the last good state.
 */

/** What a source's tap receives on each sync. */
export interface CatalogSourceRequest {
  /** The source's id in the catalog: the plugin instance name. */
  readonly sourceId: string;
  /** The revision the source returned on its last successful sync, if any. */
  readonly previousRevision: string | null;
  /** Aborted when the sync's deadline passes. */
  readonly signal: AbortSignal;
}

/** The files of one source at one revision. Paths are POSIX and relative to the source root. */
export interface SourceFiles {
  /** Candidate manifest files (the host decides which are products, fragments or neither). */
  readonly files: readonly string[];
  /** Reads any file below the source root; the host never asks for a path outside it. */
  read(path: string): Promise<string>;
  /** An opaque marker (a commit id, an ETag); equal markers mean equal content. */
  readonly revision: string | null;
}

/** What a source's tap returns: its files, or word that nothing changed since `previousRevision`. */
export type CatalogSourceResult = SourceFiles | { readonly unchanged: true };

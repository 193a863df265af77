/** What the product parser asks of the files of its source, apart from how they are read or cached. */
import type { ManifestIssue } from './manifest-error.js';

/** A file's parsed YAML, or why there is none. */
export type LoadedManifestFile =
  | { readonly ok: true; readonly root: unknown }
  /** The source could not deliver the file (missing, unreadable); `message` is safe to show. */
  | { readonly ok: false; readonly reason: 'unreadable'; readonly message: string }
  /** The file was read but is not acceptable YAML. */
  | { readonly ok: false; readonly reason: 'invalid'; readonly issues: readonly ManifestIssue[] };

/** Where a product's files come from while it is parsed. */
export interface ManifestFiles {
  /** Loads a source-relative path (already normalised and known to stay inside the source). */
  load(path: string): Promise<LoadedManifestFile>;
}

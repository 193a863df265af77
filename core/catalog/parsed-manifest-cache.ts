import { createHash } from 'node:crypto';
import type { ManifestLimits } from './manifest-limits.js';

/**
 * The parsed YAML of one source's files, kept from one sync to the next by content: a sync
 * after a one-file change parses that file again, not the whole source. Keyed by a hash of the
 * text and the limits it was parsed under, so a path, rename or copy never matters and a file
 * is only ever reused as it would parse now. Only successful parses are kept (a broken file
 * is parsed again to report it). What a sync did not ask for is dropped after the next one.
 * Parsed values are shared between syncs: the catalog only reads them, never changes them.
 */
export class ParsedManifestCache {
  #previous = new Map<string, unknown>();
  #current = new Map<string, unknown>();

  /** Starts a sync: entries the last sync used stay available to this one. */
  beginSync(): void {
    this.#previous = this.#current;
    this.#current = new Map();
  }

  /** The value `parse` makes of `text`, parsed only when neither this sync nor the last had it. */
  parse(text: string, limits: ManifestLimits, parse: () => unknown): unknown {
    const key = createHash('sha256')
      .update(`${limits.maxFileBytes}/${limits.maxDepth}/${limits.maxAliasCount}\0`)
      .update(text)
      .digest('base64');
    const value = this.#current.has(key) ? this.#current.get(key) : this.#previous.has(key) ? this.#previous.get(key) : parse();
    this.#current.set(key, value);
    return value;
  }
}

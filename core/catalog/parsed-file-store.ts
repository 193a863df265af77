/**
 * Parsed manifest files by content, shared by all catalog sources: two sources (or two syncs)
 * that hold the same text under the same limits get the one value parsed from it. An entry
 * lives while some source's cache still uses it (see `ParsedManifestCache`), so the store never
 * holds more than the files of each source's last two syncs: its size follows the catalog, not
 * the history of syncs.
 */
export class ParsedFileStore {
  readonly #entries = new Map<string, { readonly value: unknown; users: number }>();

  /** The value kept under `key`, made by `parse` when none is; counts one more use of it. */
  acquire(key: string, parse: () => unknown): unknown {
    const entry = this.#entries.get(key);
    if (entry !== undefined) {
      entry.users += 1;
      return entry.value;
    }
    // A parse that throws leaves nothing behind: a broken file is parsed again to report it.
    const value = parse();
    this.#entries.set(key, { value, users: 1 });
    return value;
  }

  /** Counts one use of `key` less; the value is dropped with its last use. */
  release(key: string): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    entry.users -= 1;
    if (entry.users <= 0) this.#entries.delete(key);
  }

  /** How many parsed files are kept. */
  get size(): number {
    return this.#entries.size;
  }
}

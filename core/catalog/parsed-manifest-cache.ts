import { createHash } from 'node:crypto';
import type { ManifestFiles } from '../manifests/manifest-files.js';
import type { ManifestLimits } from '../manifests/manifest-limits.js';
import { ParsedFileStore } from './parsed-file-store.js';
import type { ParsedProduct, ProductFileInput } from '../manifests/parse-product-manifest.js';

/** A product as a sync built it, and every file it read while being built. */
interface BuiltProduct {
  readonly input: ProductFileInput;
  readonly limits: ManifestLimits;
  /** Each included path and the parsed value it had. */
  readonly includes: ReadonlyMap<string, unknown>;
  readonly product: ParsedProduct;
}

const sameLimits = (a: ManifestLimits, b: ManifestLimits): boolean =>
  (Object.keys(a) as (keyof ManifestLimits)[]).every((name) => a[name] === b[name]);

const sameInput = (a: ProductFileInput, b: ProductFileInput): boolean =>
  a.root === b.root && a.sourceId === b.sourceId && a.form === b.form && a.folderName === b.folderName;

/**
 * What one source's last sync parsed, kept for the next: a sync after a one-file change parses
 * that file again, and builds again only the products that read it, not the whole source.
 *
 * Files are kept by a hash of their text and the limits they were parsed under, so a path,
 * rename or copy never matters and a file is only ever reused as it would parse now. The parsed
 * files live in a {@link ParsedFileStore} that the catalog's sources share, so a text that any
 * source parsed is not parsed again by another. Only successful parses are kept (a broken file
 * is parsed again to report it). A product is kept per main file and reused while that file and
 * every file it included parse to the very same values (identical texts give identical values,
 * see above) under the same limits; a product that met an unreadable or broken include is built
 * again. What a sync did not ask for is dropped after the next one. Parsed values and products
 * are shared between syncs and sources: the catalog only reads them, never changes them.
 */
export class ParsedManifestCache {
  readonly #files: ParsedFileStore;
  /** The files the last sync and this one used, by key; each holds one use in the store. */
  #previous = new Map<string, unknown>();
  #current = new Map<string, unknown>();
  #previousProducts = new Map<string, BuiltProduct>();
  #currentProducts = new Map<string, BuiltProduct>();

  /** `files` is the store shared with the other sources; a cache of its own by default. */
  constructor(files = new ParsedFileStore()) {
    this.#files = files;
  }

  /** Starts a sync: entries the last sync used stay available to this one. */
  beginSync(): void {
    for (const key of this.#previous.keys()) this.#files.release(key);
    this.#previous = this.#current;
    this.#current = new Map();
    this.#previousProducts = this.#currentProducts;
    this.#currentProducts = new Map();
  }

  /** The value `parse` makes of `text`, parsed only when no source's last or current sync had it. */
  parse(text: string, limits: ManifestLimits, parse: () => unknown): unknown {
    const key = createHash('sha256')
      .update(`${limits.maxFileBytes}/${limits.maxDepth}/${limits.maxAliasNodes}\0`)
      .update(text)
      .digest('base64');
    if (this.#current.has(key)) return this.#current.get(key);
    const value = this.#files.acquire(key, parse);
    this.#current.set(key, value);
    return value;
  }

  /**
   * The product `build` makes of `input`, built only when the last sync's product of the same
   * file is not still valid. `files` gives this sync's files; `build` must read every file
   * through the loader it is handed.
   */
  async product(
    input: ProductFileInput,
    limits: ManifestLimits,
    files: ManifestFiles,
    build: (files: ManifestFiles) => Promise<ParsedProduct>,
  ): Promise<ParsedProduct> {
    const kept = this.#previousProducts.get(input.file);
    if (kept !== undefined && sameInput(kept.input, input) && sameLimits(kept.limits, limits) && (await includesUnchanged(kept, files))) {
      this.#currentProducts.set(input.file, kept);
      return kept.product;
    }
    const includes = new Map<string, unknown>();
    let complete = true;
    const product = await build({
      async load(path) {
        const loaded = await files.load(path);
        if (loaded.ok) includes.set(path, loaded.root);
        else complete = false;
        return loaded;
      },
    });
    if (complete) this.#currentProducts.set(input.file, { input, limits, includes, product });
    return product;
  }
}

async function includesUnchanged(kept: BuiltProduct, files: ManifestFiles): Promise<boolean> {
  for (const [path, root] of kept.includes) {
    const loaded = await files.load(path);
    if (!loaded.ok || loaded.root !== root) return false;
  }
  return true;
}

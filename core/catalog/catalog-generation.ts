import type { Store } from '../store/open-store.js';
import { rowLookup } from '../store/row-lookup.js';

const where = { name: 'catalog' };

/**
 * The number of catalog syncs completed by any host sharing the database (`catalog_generations`).
 * A host whose catalog in memory was read before the last one knows it is behind.
 */
export class CatalogGeneration {
  readonly #store: Store;
  // Read before every catalog-dependent call: the store's cheapest one-row lookup.
  readonly #lookup: () => Promise<{ generation: number | string } | undefined>;

  constructor(store: Store) {
    this.#store = store;
    this.#lookup = rowLookup(store, (db) => db('catalog_generations').where(where).select('generation'));
  }

  /** The generation of the last completed sync (0 before any). */
  async read(): Promise<number> {
    return Number((await this.#lookup())?.generation ?? 0);
  }

  /** Records one more completed sync; the new generation. */
  async advance(): Promise<number> {
    await this.#store('catalog_generations').where(where).increment('generation', 1);
    return this.read();
  }
}

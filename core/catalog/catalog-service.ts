import { errorMessage } from '../errors.js';
import type { HostHooks } from '../hooks/host-hooks.js';
import type { Logger } from '../logger.js';
import type { ProductManifest } from './manifest-model.js';
import { compareVersions } from './product-version.js';
import { readSourceManifests, type ManifestWarning } from './read-source-manifests.js';
import { runCatalogSources } from './run-catalog-sources.js';

/** One version of one product in the catalog. */
export interface CatalogProduct {
  /** `<sourceId>:<productId or name>:<version>`. */
  readonly id: string;
  readonly groupId: string;
  readonly name: string;
  readonly version: string;
  readonly sourceId: string;
  readonly manifest: ProductManifest;
}

/** The outcome of one sync, as the sync endpoints report it. */
export interface SyncReport {
  readonly success: boolean;
  /** Sources that answered without error. */
  readonly sourcesSynced: number;
  /** Products (not stacks) delivered by those sources; fragments never count. */
  readonly stacksLoaded: number;
  readonly errors: readonly { readonly source: string; readonly message: string }[];
  readonly warnings: readonly { readonly source: string; readonly file: string; readonly message: string }[];
}

/** What the catalog keeps of one source: its last good answer. */
interface SourceState {
  readonly revision: string | null;
  readonly products: readonly ProductManifest[];
  readonly warnings: readonly ManifestWarning[];
}

/** An immutable view of the whole catalog, swapped in one assignment after each sync. */
interface Snapshot {
  /** Every product version, grouped by groupId, each group in ascending SemVer order. */
  readonly groups: ReadonlyMap<string, readonly CatalogProduct[]>;
  readonly byId: ReadonlyMap<string, CatalogProduct>;
}

const emptySnapshot: Snapshot = { groups: new Map(), byId: new Map() };

function productId(sourceId: string, manifest: ProductManifest): string {
  // groupId is `<sourceId>:<name>` when the manifest has no productId of its own.
  const middle = manifest.groupId === `${sourceId}:${manifest.name}` ? manifest.name : manifest.groupId;
  return `${sourceId}:${middle}:${manifest.version}`;
}

/**
 * The stack catalog: products by groupId and version, fed by the catalog sources. Readers
 * always see the last complete state; a sync builds a new one and swaps it in at once.
 */
export class CatalogService {
  readonly #hooks: HostHooks;
  readonly #log: Logger;
  readonly #sources = new Map<string, SourceState>();
  #snapshot: Snapshot = emptySnapshot;
  #running: Promise<SyncReport> | null = null;
  #queued: Promise<SyncReport> | null = null;

  constructor(hooks: HostHooks, log: Logger) {
    this.#hooks = hooks;
    this.#log = log;
  }

  /**
   * Syncs every source. A call while a sync runs waits for it and then runs once more (so a
   * webhook after a push always sees the push); calls arriving meanwhile share that second run.
   */
  sync(): Promise<SyncReport> {
    if (!this.#running) {
      this.#running = this.#syncOnce().finally(() => (this.#running = null));
      return this.#running;
    }
    this.#queued ??= this.#running.then(
      () => this.sync(),
      () => this.sync(),
    ).finally(() => (this.#queued = null));
    return this.#queued;
  }

  async #syncOnce(): Promise<SyncReport> {
    const previous = new Map<string, string>();
    for (const [sourceId, state] of this.#sources) if (state.revision !== null) previous.set(sourceId, state.revision);
    const outcomes = await runCatalogSources(this.#hooks, previous, new AbortController().signal);

    const errors: Array<{ source: string; message: string }> = [];
    const succeeded: string[] = [];
    for (const [sourceId, outcome] of outcomes) {
      if ('error' in outcome) {
        // The source keeps its last good products; the report names it.
        errors.push({ source: sourceId, message: errorMessage(outcome.error) });
        this.#log.warn({ source: sourceId, err: errorMessage(outcome.error) }, 'catalog source failed');
        continue;
      }
      succeeded.push(sourceId);
      if ('unchanged' in outcome.result) continue;
      try {
        const { products, warnings } = await readSourceManifests(sourceId, outcome.result);
        this.#sources.set(sourceId, { revision: outcome.result.revision, products, warnings });
      } catch (err) {
        succeeded.pop();
        errors.push({ source: sourceId, message: errorMessage(err) });
      }
    }

    const { snapshot, conflicts } = this.#build([...outcomes.keys()]);
    this.#snapshot = snapshot;
    const warnings = [
      ...[...this.#sources].filter(([id]) => succeeded.includes(id)).flatMap(([source, state]) => state.warnings.map((w) => ({ source, ...w }))),
      ...conflicts,
    ];
    const stacksLoaded = [...snapshot.byId.values()].filter((product) => succeeded.includes(product.sourceId)).length;
    return { success: errors.length === 0, sourcesSynced: succeeded.length, stacksLoaded, errors, warnings };
  }

  /** Merges the sources' products in config order; a groupId+version seen twice keeps the first. */
  #build(sourceOrder: readonly string[]): { snapshot: Snapshot; conflicts: Array<{ source: string; file: string; message: string }> } {
    const groups = new Map<string, CatalogProduct[]>();
    const byId = new Map<string, CatalogProduct>();
    const taken = new Map<string, string>();
    const conflicts: Array<{ source: string; file: string; message: string }> = [];
    for (const sourceId of sourceOrder) {
      for (const manifest of this.#sources.get(sourceId)?.products ?? []) {
        const key = `${manifest.groupId}@${manifest.version}`;
        const owner = taken.get(key);
        if (owner !== undefined) {
          conflicts.push({
            source: sourceId,
            file: manifest.file,
            message: `Product '${manifest.groupId}' version ${manifest.version} is already provided by source '${owner}'; this copy is ignored.`,
          });
          continue;
        }
        taken.set(key, sourceId);
        const product: CatalogProduct = {
          id: productId(sourceId, manifest),
          groupId: manifest.groupId,
          name: manifest.name,
          version: manifest.version,
          sourceId,
          manifest,
        };
        byId.set(product.id, product);
        const group = groups.get(product.groupId) ?? [];
        group.push(product);
        groups.set(product.groupId, group);
      }
    }
    for (const group of groups.values()) group.sort((a, b) => compareVersions(a.version, b.version));
    return { snapshot: { groups, byId }, conflicts };
  }

  /** Every group's versions, groups ordered by name. */
  groups(): Array<readonly CatalogProduct[]> {
    return [...this.#snapshot.groups.values()].sort((a, b) => (a[0]?.name ?? '').localeCompare(b[0]?.name ?? ''));
  }

  /** The versions of one product in ascending SemVer order (empty when unknown). */
  versions(groupId: string): readonly CatalogProduct[] {
    return this.#snapshot.groups.get(groupId) ?? [];
  }

  /** One version of a product (the latest when `version` is omitted); a leading `v` is tolerated. */
  find(groupId: string, version?: string): CatalogProduct | null {
    const versions = this.versions(groupId);
    if (version === undefined) return versions.at(-1) ?? null;
    const wanted = version.replace(/^v/i, '');
    return versions.find((product) => product.version.toLowerCase() === wanted.toLowerCase()) ?? null;
  }

  /** A product version by its catalog id. */
  byId(id: string): CatalogProduct | null {
    return this.#snapshot.byId.get(id) ?? null;
  }
}

import { deferred, type Deferred } from '../deferred.js';
import { errorMessage, PluginError } from '../errors.js';
import type { OnOnePluginSet } from '../hooks/current-plugins.js';
import type { HostHooks } from '../hooks/host-hooks.js';
import type { Principal } from '../hooks/principal.js';
import type { Logger } from '../logger.js';
import type { CatalogMetrics } from '../metrics/host-metrics.js';
import type { ProductManifest } from '../manifests/manifest-model.js';
import { compareVersions, normaliseVersion } from '../manifests/product-version.js';
import type { CatalogGeneration } from './catalog-generation.js';
import { ParsedFileStore } from './parsed-file-store.js';
import { ParsedManifestCache } from './parsed-manifest-cache.js';
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

/** A source that failed in a sync, and why. */
export interface SyncError {
  readonly source: string;
  readonly message: string;
}

/** A skipped manifest or a conflict, reported by a sync without failing it. */
export interface SyncWarning {
  readonly source: string;
  readonly file: string;
  readonly message: string;
}

/** The outcome of one sync, as the sync endpoints report it. */
export interface SyncReport {
  readonly success: boolean;
  /** Sources that answered without error. */
  readonly sourcesSynced: number;
  /** Product versions (not stacks) those sources have in the catalog; fragments never count. */
  readonly stacksLoaded: number;
  readonly errors: readonly SyncError[];
  readonly warnings: readonly SyncWarning[];
}

/** A turn to sync, held until released. */
export interface SyncTurn {
  release(): Promise<void>;
}

/** How hosts sharing one database keep their catalogs in step. */
export interface SharedCatalog {
  /** How many syncs the hosts completed: one behind it reads its sources again. */
  readonly generation: CatalogGeneration;
  /**
   * Waits until no other host syncs and holds the turn until released, so that the hosts'
   * syncs run one after the other.
   * @throws when the turn did not come in time (the sync then runs beside the other one).
   */
  takeTurn(): Promise<SyncTurn>;
}

export interface CatalogServiceOptions {
  /** How long one source may take; its request signal aborts then (the hook timeout cuts it off too). */
  readonly sourceTimeoutMs: number;
  /** Where each source's sync time goes; a catalog outside a host has none. */
  readonly metrics?: CatalogMetrics;
  /** Runs each sync on one plugin set, to its end (a reload may replace the set meanwhile). */
  readonly onOnePluginSet?: OnOnePluginSet;
  /** Other hosts sharing the database; without it this host's catalog is its own. */
  readonly shared?: SharedCatalog;
}

/**
 * One run of the sources. A `sync` is asked for (a start, a reload, a sync call): it is
 * recorded as the installation's next generation and reported to `afterCatalogSync`. A
 * `catch-up` reads the sources again because another host's sync is newer than this catalog;
 * that sync was reported by its host.
 */
interface SyncRun {
  readonly kind: 'sync' | 'catch-up';
  readonly requestId: string | null;
  readonly principal: Principal | null;
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

/** Why a source failed, without the "plugin X failed in hook Y" wrapping: the report names the source. */
function failureReason(error: unknown): string {
  if (!(error instanceof PluginError)) return errorMessage(error);
  if (error.cause !== undefined) return errorMessage(error.cause);
  const prefix = `Plugin '${error.plugin}' failed in hook '${error.hook}': `;
  return error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
}


/**
 * The stack catalog: products by groupId and version, fed by the catalog sources. Readers
 * always see the last complete state; a sync builds a new one and swaps it in at once.
 */
export class CatalogService {
  readonly #hooks: HostHooks;
  readonly #log: Logger;
  readonly #options: CatalogServiceOptions;
  readonly #sources = new Map<string, SourceState>();
  /** Each source's parsed files and built products, kept across syncs so only changed files are parsed again. */
  readonly #parsed = new Map<string, ParsedManifestCache>();
  /** The parsed files themselves, by content, shared by the sources: a text is parsed once for all. */
  readonly #parsedFiles = new ParsedFileStore();
  /** Aborts the sources' work when the host stops. */
  readonly #closing = new AbortController();
  readonly #firstSync = deferred<void>();
  #snapshot: Snapshot = emptySnapshot;
  #running: Promise<SyncReport> | null = null;
  /** Callers waiting for the run after the current one, and the request that queued it first. */
  #next: (Deferred<SyncReport> & { readonly run: SyncRun }) | null = null;
  /** The shared generation this catalog holds the sources of (at least). */
  #generation = 0;

  constructor(hooks: HostHooks, log: Logger, options: CatalogServiceOptions) {
    this.#hooks = hooks;
    this.#log = log;
    this.#options = options;
  }

  /**
   * Syncs every source. A call while a sync runs waits for it and then runs once more (so a
   * webhook after a push always sees the push); calls arriving meanwhile share that second run.
   * A source's failure is logged under the request that started the run (`requestId`);
   * `afterCatalogSync` taps learn who started it (`principal`).
   */
  sync(requestId: string | null = null, principal: Principal | null = null): Promise<SyncReport> {
    return this.#request({ kind: 'sync', requestId, principal });
  }

  /**
   * Brings the catalog up to the last sync of any host sharing the database: when one synced
   * since this host last read its sources, they are read again before this resolves. Otherwise
   * it costs one read of the store. It never fails: when the store cannot say, or the catalog
   * closes, the catalog stays as it is.
   */
  async upToDate(): Promise<void> {
    const shared = this.#options.shared;
    if (shared === undefined) return;
    const latest = await this.#generationStep(() => shared.generation.read());
    if (latest === null || latest <= this.#generation) return;
    await this.#request({ kind: 'catch-up', requestId: null, principal: null }).catch((err: unknown) =>
      this.#log.warn({ err: errorMessage(err) }, "could not catch up with another host's catalog sync"),
    );
  }

  #request(run: SyncRun): Promise<SyncReport> {
    if (this.#closing.signal.aborted) return Promise.reject(new Error('the catalog is closed'));
    if (this.#running === null) return this.#launch(run);
    if (this.#next === null) this.#next = { ...deferred<SyncReport>(), run };
    // The queued run serves every caller: a sync asked for makes a queued catch-up a sync.
    else if (run.kind === 'sync' && this.#next.run.kind === 'catch-up') this.#next = { ...this.#next, run };
    return this.#next.promise;
  }

  /** Resolves once the first sync has finished, whatever its outcome. */
  ready(): Promise<void> {
    return this.#firstSync.promise;
  }

  /** Aborts a sync in progress, waits for it to settle and refuses further syncs. */
  async close(): Promise<void> {
    this.#closing.abort();
    const running = this.#running;
    if (running) await running.catch(() => undefined);
    this.#next?.reject(new Error('the catalog is closed'));
    this.#next = null;
    this.#firstSync.resolve();
  }

  #launch(request: SyncRun): Promise<SyncReport> {
    const run = this.#options.onOnePluginSet ? this.#options.onOnePluginSet(() => this.#runOnce(request)) : this.#runOnce(request);
    this.#running = run;
    // Starting the queued run in the same step that ends this one leaves no gap for a third caller.
    const finish = () => {
      this.#firstSync.resolve();
      this.#running = null;
      const next = this.#next;
      this.#next = null;
      if (next && !this.#closing.signal.aborted) this.#launch(next.run).then(next.resolve, next.reject);
      else next?.reject(new Error('the catalog is closed'));
    };
    run.then(finish, finish);
    return run;
  }

  #parsedOf(sourceId: string): ParsedManifestCache {
    let parsed = this.#parsed.get(sourceId);
    if (parsed === undefined) {
      parsed = new ParsedManifestCache(this.#parsedFiles);
      this.#parsed.set(sourceId, parsed);
    }
    return parsed;
  }

  /**
   * Runs the sources once; with other hosts, a sync waits for its turn and records the next
   * generation, and the catalog learns which generation it now holds.
   */
  async #runOnce(run: SyncRun): Promise<SyncReport> {
    const shared = this.#options.shared;
    if (shared === undefined) return this.#syncOnce(run);
    const turn = run.kind === 'sync' ? await this.#turn(shared) : null;
    try {
      const before = await this.#generationStep(() => shared.generation.read());
      const report = await this.#syncOnce(run);
      const after = run.kind === 'sync' ? await this.#generationStep(() => shared.generation.advance()) : null;
      // Within the turn no other host completed a sync: the one recorded is this catalog's.
      const held = turn !== null && after !== null ? after : before;
      if (held !== null) this.#generation = Math.max(this.#generation, held);
      return report;
    } finally {
      await turn?.release();
    }
  }

  async #turn(shared: SharedCatalog): Promise<SyncTurn | null> {
    try {
      return await shared.takeTurn();
    } catch (err) {
      // Reading beside another host costs time, never correctness: each host reads its own sources.
      this.#log.warn({ err: errorMessage(err) }, 'no turn to sync the catalog in time; syncing beside the other host');
      return null;
    }
  }

  /** A store failure never fails a sync or a caller: the catalog is read all the same and caught up later. */
  async #generationStep(step: () => Promise<number>): Promise<number | null> {
    try {
      return await step();
    } catch (err) {
      this.#log.warn({ err: errorMessage(err) }, 'could not read or record the catalog generation');
      return null;
    }
  }

  async #syncOnce({ kind, requestId, principal }: SyncRun): Promise<SyncReport> {
    const started = performance.now();
    const previous = new Map<string, string>();
    for (const [sourceId, state] of this.#sources) if (state.revision !== null) previous.set(sourceId, state.revision);
    const answerSeconds = new Map<string, number>();
    const outcomes = await runCatalogSources(this.#hooks, previous, this.#closing.signal, this.#options.sourceTimeoutMs, requestId, (sourceId, seconds) =>
      answerSeconds.set(sourceId, seconds),
    );

    const errors: SyncError[] = [];
    const succeeded = new Set<string>();
    for (const [sourceId, outcome] of outcomes) {
      const reading = performance.now();
      try {
        if ('error' in outcome) throw outcome.error;
        if (!('unchanged' in outcome.result)) {
          const { products, warnings } = await readSourceManifests(sourceId, outcome.result, {}, this.#parsedOf(sourceId));
          this.#sources.set(sourceId, { revision: outcome.result.revision, products, warnings });
          for (const warning of warnings) this.#log.warn({ source: sourceId, file: warning.file, problem: warning.message }, 'manifest skipped');
        }
        succeeded.add(sourceId);
      } catch (err) {
        // The source keeps its last good products; the report names it.
        errors.push({ source: sourceId, message: failureReason(err) });
        this.#log.warn({ source: sourceId, problem: failureReason(err) }, 'catalog source failed; its last good state is kept');
      }
      this.#options.metrics?.catalogSourceSynced(sourceId, (answerSeconds.get(sourceId) ?? 0) + (performance.now() - reading) / 1000);
    }

    const { snapshot, conflicts } = this.#build([...outcomes.keys()]);
    this.#snapshot = snapshot;
    const warnings: SyncWarning[] = [
      ...[...succeeded].flatMap((source) => (this.#sources.get(source)?.warnings ?? []).map((warning) => ({ source, ...warning }))),
      ...conflicts,
    ];
    let stacksLoaded = 0;
    for (const product of snapshot.byId.values()) if (succeeded.has(product.sourceId)) stacksLoaded += 1;
    const report = { success: errors.length === 0, sourcesSynced: succeeded.size, stacksLoaded, errors, warnings };
    const counts = { sourcesSynced: report.sourcesSynced, stacksLoaded, errors: errors.length, warnings: warnings.length };
    if (kind === 'catch-up') {
      this.#log.info(counts, "catalog read again after another host's sync");
      return report;
    }
    this.#log.info(counts, 'catalog synced');
    const outcome = { ...report, durationMs: Math.round(performance.now() - started), principal, requestId };
    // Plugin taps run in the background (notifiers): a failure here never changes the report.
    await this.#hooks.afterCatalogSync.promise(outcome).catch((err: unknown) => this.#log.warn({ err: errorMessage(err) }, 'afterCatalogSync failed; the sync stands'));
    return report;
  }

  /**
   * Merges the sources' products in source order (the config order); a groupId+version (or a
   * product id) seen before keeps the first and reports the later copy.
   */
  #build(sourceOrder: readonly string[]): { snapshot: Snapshot; conflicts: SyncWarning[] } {
    const groups = new Map<string, CatalogProduct[]>();
    const byId = new Map<string, CatalogProduct>();
    const taken = new Map<string, string>();
    const conflicts: SyncWarning[] = [];
    for (const sourceId of sourceOrder) {
      for (const manifest of this.#sources.get(sourceId)?.products ?? []) {
        const id = productId(sourceId, manifest);
        const key = `${manifest.groupId}@${manifest.version}`;
        const owner = taken.get(key);
        if (owner !== undefined || byId.has(id)) {
          const message =
            owner !== undefined
              ? `Product '${manifest.groupId}' version ${manifest.version} is already provided by source '${owner}'; this copy is ignored.`
              : `Product id '${id}' is already taken by another product of this source; this copy is ignored.`;
          conflicts.push({ source: sourceId, file: manifest.file, message });
          continue;
        }
        taken.set(key, sourceId);
        const product: CatalogProduct = { id, groupId: manifest.groupId, name: manifest.name, version: manifest.version, sourceId, manifest };
        byId.set(id, product);
        const group = groups.get(product.groupId) ?? [];
        group.push(product);
        groups.set(product.groupId, group);
      }
    }
    for (const group of groups.values()) group.sort((a, b) => compareVersions(a.version, b.version));
    return { snapshot: { groups, byId }, conflicts };
  }

  /** Every group's versions (ascending), groups ordered by their latest version's name, then groupId. */
  groups(): Array<readonly CatalogProduct[]> {
    const label = (group: readonly CatalogProduct[]) => group.at(-1)?.name ?? '';
    return [...this.#snapshot.groups.values()].sort(
      (a, b) => label(a).localeCompare(label(b)) || (a[0]?.groupId ?? '').localeCompare(b[0]?.groupId ?? ''),
    );
  }

  /** The versions of one product in ascending SemVer order (empty when unknown). */
  versions(groupId: string): readonly CatalogProduct[] {
    return this.#snapshot.groups.get(groupId) ?? [];
  }

  /** One version of a product (the latest when `version` is omitted); a leading `v` is tolerated. */
  find(groupId: string, version?: string): CatalogProduct | null {
    const versions = this.versions(groupId);
    if (version === undefined) return versions.at(-1) ?? null;
    // Stored deployments name their version as the catalog wrote it: no need to parse it again.
    const exact = versions.find((product) => product.version === version);
    if (exact !== undefined) return exact;
    const wanted = normaliseVersion(version) ?? version.trim();
    return versions.find((product) => product.version === wanted) ?? null;
  }

  /** A product version by its catalog id. */
  byId(id: string): CatalogProduct | null {
    return this.#snapshot.byId.get(id) ?? null;
  }
}

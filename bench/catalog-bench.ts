/**
 * Item 4: catalog syncs at scale. For each size, a folder of generated manifests is synced in
 * a fresh process per round: in full, again unchanged, and after a one-file change.
 */
import type { CatalogSyncReport } from './catalog-sync-child.js';
import type { Figure } from './figure.js';
import { median } from './median.js';
import { startBenchChild } from './start-bench-child.js';
import type { GeneratedCatalog } from './write-catalog-manifests.js';

export interface CatalogBenchOptions {
  readonly rounds: number;
  /** The generated catalog folders, smallest first. */
  readonly catalogs: readonly GeneratedCatalog[];
  /** A generated catalog that is the working copy of a Git remote, and the remote's URL. */
  readonly git: { readonly catalog: GeneratedCatalog; readonly remote: string } | null;
}

/** Medians over the rounds of one size. */
export interface CatalogSizeSummary {
  readonly manifests: number;
  readonly fullMs: number;
  readonly fullCpuMs: number;
  readonly microsPerManifest: number;
  readonly peakRssBytes: number;
  readonly rssBeforeBytes: number;
  readonly unchangedMs: number;
  readonly unchangedReparsed: number;
  readonly oneFileMs: number;
  readonly oneFileReparsed: number;
  readonly rounds: readonly CatalogSyncReport[];
}

export interface CatalogBenchResult {
  readonly rounds: number;
  /** Manifests and files of each generated catalog (no paths: results are committed). */
  readonly catalogs: ReadonlyArray<{ readonly manifests: number; readonly files: number }>;
  readonly sizes: readonly CatalogSizeSummary[];
  readonly git: CatalogSizeSummary | null;
  readonly figures: readonly Figure[];
}

async function measureSize(catalog: GeneratedCatalog, remote: string | null, rounds: number, log: (line: string) => void): Promise<CatalogSizeSummary> {
  const reports: CatalogSyncReport[] = [];
  const label = `${remote === null ? 'local' : 'git'} ${catalog.manifests}`;
  for (let round = 0; round < rounds; round++) {
    const child = await startBenchChild<CatalogSyncReport>('catalog-sync-child.ts', {
      args: ['--folder', catalog.folder, '--change', catalog.changeableFile, ...(remote === null ? [] : ['--remote', remote])],
      readyTimeoutMs: 900_000,
    });
    await child.stop();
    const report = child.report;
    if (report.full.products !== catalog.manifests || report.full.warnings !== 0) {
      throw new Error(`the sync loaded ${report.full.products} of ${catalog.manifests} products with ${report.full.warnings} warnings`);
    }
    reports.push(report);
    log(
      `catalog ${label} round ${round + 1}/${rounds}: full ${report.full.ms.toFixed(0)} ms (CPU ${report.full.cpuMs.toFixed(0)} ms), ` +
        `peak RSS ${(report.peakRssBytes / 2 ** 20).toFixed(0)} MiB, unchanged ${report.unchanged.ms.toFixed(0)} ms ` +
        `(${report.unchanged.reparsed} re-parsed), one file changed ${report.oneFileChanged.ms.toFixed(0)} ms (${report.oneFileChanged.reparsed} re-parsed)`,
    );
  }
  const of = (pick: (report: CatalogSyncReport) => number) => median(reports.map(pick));
  return {
    manifests: catalog.manifests,
    fullMs: of((r) => r.full.ms),
    fullCpuMs: of((r) => r.full.cpuMs),
    microsPerManifest: of((r) => (r.full.ms * 1000) / catalog.manifests),
    peakRssBytes: of((r) => r.peakRssBytes),
    rssBeforeBytes: of((r) => r.rssBeforeBytes),
    unchangedMs: of((r) => r.unchanged.ms),
    unchangedReparsed: of((r) => r.unchanged.reparsed),
    oneFileMs: of((r) => r.oneFileChanged.ms),
    oneFileReparsed: of((r) => r.oneFileChanged.reparsed),
    rounds: reports,
  };
}

export async function catalogBench(options: CatalogBenchOptions, log: (line: string) => void): Promise<CatalogBenchResult> {
  const sizes: CatalogSizeSummary[] = [];
  for (const catalog of options.catalogs) sizes.push(await measureSize(catalog, null, options.rounds, log));
  const git = options.git && (await measureSize(options.git.catalog, options.git.remote, options.rounds, log));
  const figures: Figure[] = sizes.flatMap((size): Figure[] => {
    const n = size.manifests.toLocaleString('en-US');
    return [
      {
        item: 4,
        name: `Full sync, ${n} manifests (local folder)`,
        value: size.fullMs,
        unit: 'ms',
        ...(size.manifests === 10_000 ? { goal: { comparison: '<=', target: 2_000 } as const } : {}),
        note: `CPU ${size.fullCpuMs.toFixed(0)} ms; ${size.microsPerManifest.toFixed(0)} µs per manifest`,
      },
      {
        item: 4,
        name: `Peak RSS of the syncing process, ${n} manifests`,
        value: size.peakRssBytes / 2 ** 20,
        unit: 'MiB',
        note: `${(size.rssBeforeBytes / 2 ** 20).toFixed(0)} MiB before the sync`,
      },
      { item: 4, name: `Resync unchanged, ${n} manifests (local folder)`, value: size.unchangedMs, unit: 'ms', note: `${size.unchangedReparsed} re-parsed` },
      { item: 4, name: `Resync after a one-file change, ${n} manifests`, value: size.oneFileMs, unit: 'ms', note: `${size.oneFileReparsed} re-parsed` },
    ];
  });
  if (git) {
    const n = git.manifests.toLocaleString('en-US');
    figures.push(
      { item: 4, name: `Git remote (file://), ${n} manifests: clone and full sync`, value: git.fullMs, unit: 'ms', note: `CPU ${git.fullCpuMs.toFixed(0)} ms` },
      { item: 4, name: 'Git remote resynced unchanged (fetch, compare commit)', value: git.unchangedMs, unit: 'ms' },
      {
        item: 4,
        name: 'Manifests re-parsed by the unchanged Git resync',
        value: git.unchangedReparsed,
        unit: 'count',
        goal: { comparison: '<=', target: 0 },
      },
      { item: 4, name: `Git remote after a one-file change (fetch, read every file)`, value: git.oneFileMs, unit: 'ms', note: `${git.oneFileReparsed} re-parsed` },
    );
  }
  const catalogs = options.catalogs.map(({ manifests, files }) => ({ manifests, files }));
  return { rounds: options.rounds, catalogs, sizes, git, figures };
}

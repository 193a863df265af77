/**
 * Benchmark child: one catalog, synced in full, again without a change, and again after one
 * file changed. The source is the local folder `--folder`, or with `--remote` the Git remote
 * that folder is a working copy of (the change is then committed and pushed). Runs in its own
 * process so the peak resident memory it reports belongs to the sync alone.
 */
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { CatalogService } from '../core/catalog/catalog-service.js';
import { runBenchChild } from './bench-child.js';
import { pushChanges } from './git-remote.js';
import { startStandaloneCatalog } from './start-standalone-catalog.js';

/** One timed sync and what it re-read. */
export interface TimedSync {
  readonly ms: number;
  /** CPU time the process spent on it (user + system): wall time inflates on a busy machine. */
  readonly cpuMs: number;
  readonly products: number;
  /** Products whose parsed manifest is a new object: what this sync parsed again. */
  readonly reparsed: number;
  readonly warnings: number;
}

export interface CatalogSyncReport {
  readonly full: TimedSync;
  readonly unchanged: TimedSync;
  readonly oneFileChanged: TimedSync;
  /** Resident memory before the first sync and the process's peak afterwards (bytes). */
  readonly rssBeforeBytes: number;
  readonly peakRssBytes: number;
}

async function timedSync(catalog: CatalogService): Promise<TimedSync> {
  const before = new Set(catalog.groups().flatMap((versions) => versions.map((product) => product.manifest)));
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const report = await catalog.sync();
  const cpu = process.cpuUsage(cpuBefore);
  const ms = performance.now() - started;
  if (!report.success) throw new Error(`sync failed: ${JSON.stringify(report.errors)}`);
  const products = catalog.groups().flatMap((versions) => versions);
  return {
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    products: products.length,
    reparsed: products.filter((product) => !before.has(product.manifest)).length,
    warnings: report.warnings.length,
  };
}

runBenchChild<CatalogSyncReport>(async () => {
  const { values } = parseArgs({ options: { folder: { type: 'string' }, change: { type: 'string' }, remote: { type: 'string' } } });
  const folder = values.folder ?? '';
  const remote = values.remote;
  const source =
    remote === undefined
      ? { use: 'local-directory-source', name: 'bench', options: { path: folder } }
      : { use: 'git-source', name: 'bench', options: { url: remote, branch: 'main' } };
  const standalone = await startStandaloneCatalog([source]);
  try {
    const rssBeforeBytes = process.memoryUsage.rss();
    const full = await timedSync(standalone.catalog);
    const peakRssBytes = process.resourceUsage().maxRSS * 1024;
    const unchanged = await timedSync(standalone.catalog);
    // A comment at the end changes size and time, as an edit pushed to the folder would.
    await appendFile(join(folder, values.change ?? ''), `# changed at ${new Date().toISOString()}\n`);
    if (remote !== undefined) await pushChanges(folder, remote);
    const oneFileChanged = await timedSync(standalone.catalog);
    return { report: { full, unchanged, oneFileChanged, rssBeforeBytes, peakRssBytes }, stop: () => standalone.close() };
  } catch (err) {
    await standalone.close();
    throw err;
  }
});

/**
 * `npm run bench`: every benchmark of docs/performance.md in one run, side by side. Writes
 * results/latest.json (every round) and results/latest.md (the table); a complete run with the
 * default sizes also refreshes the table in docs/performance.md.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { asyncHooksBench } from './async-hooks-bench.js';
import { benchGroups, benchOptions } from './bench-options.js';
import { bruteForceBench } from './brute-force-bench.js';
import { catalogBench } from './catalog-bench.js';
import type { Figure } from './figure.js';
import { footprintBench } from './footprint-bench.js';
import { lockBench } from './lock-bench.js';
import { createGitRemote } from './git-remote.js';
import { machineFacts } from './machine-facts.js';
import { redeployBench } from './redeploy-bench.js';
import { resultsTable, type BenchRun } from './results-table.js';
import { webhookBench } from './webhook-bench.js';
import { zeroDowntimeBench } from './zero-downtime-bench.js';
import { writeCatalogManifests, type GeneratedCatalog } from './write-catalog-manifests.js';

const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** The table in the docs sits between these markers. */
const TABLE_START = '<!-- bench:latest -->';
const TABLE_END = '<!-- /bench:latest -->';

/**
 * Milliseconds between the progress steps of the followed operation: a 5-service redeploy reports
 * 8 steps per service, about 40 in the 1.1 s the Docker runtime took without its settle period
 * (the fastest redeploy measured by item 3), so 25 ms.
 */
const ASYNC_STEP_MS = 25;

const options = benchOptions(process.argv.slice(2), process.env);
const startedAt = new Date();
const machineBefore = await machineFacts();
log(`machine: ${machineBefore.cores} cores, load ${machineBefore.loadAverage.join(' ')}, node ${machineBefore.node}`);
const hostNodeOptions = options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : [];
const workDir = await mkdtemp(join(tmpdir(), 'rsgo-bench-'));
const figures: Figure[] = [];
const details: Record<string, unknown> = {};
try {
  if (options.only.includes('webhook')) {
    const result = await webhookBench(
      {
        rounds: options.rounds,
        durationSeconds: options.durationSeconds,
        warmupSeconds: 2,
        connections: options.connections,
        smallKeys: 10,
        largeKeys: options.keys,
        hostNodeOptions,
      },
      log,
    );
    figures.push(...result.figures);
    details['webhook'] = result;
  }
  if (options.only.includes('redeploy')) {
    const result = await redeployBench({ rounds: options.redeployRounds, services: options.services }, log);
    figures.push(...result.figures);
    details['redeploy'] = result;
  }
  const catalogs: GeneratedCatalog[] = [];
  if (options.only.includes('catalog') || options.only.includes('footprint')) {
    const sizes = [...new Set(options.only.includes('catalog') ? options.manifests : [Math.max(...options.manifests)])].sort((a, b) => a - b);
    for (const size of sizes) {
      log(`catalog: writing ${size} manifests`);
      catalogs.push(await writeCatalogManifests(await mkdtemp(join(workDir, `catalog-${size}-`)), size));
    }
  }
  if (options.only.includes('catalog')) {
    // The Git remote holds the smallest size: clone, unchanged fetch and a one-file change.
    const gitSize = Math.min(...options.manifests);
    log(`catalog: writing ${gitSize} manifests into a Git remote`);
    const gitCatalog = await writeCatalogManifests(await mkdtemp(join(workDir, `git-${gitSize}-`)), gitSize);
    const git = { catalog: gitCatalog, remote: await createGitRemote(gitCatalog.folder) };
    const result = await catalogBench({ rounds: options.rounds, catalogs, git }, log);
    figures.push(...result.figures);
    details['catalog'] = result;
  }
  const largestCatalog = catalogs.at(-1);
  if (options.only.includes('footprint') && largestCatalog) {
    const result = await footprintBench(
      { rounds: options.rounds, catalogFolder: largestCatalog.folder, products: largestCatalog.manifests, buildDir: join(repoRoot, 'bench', '.build') },
      log,
    );
    figures.push(...result.figures);
    details['footprint'] = result;
  }
  if (options.only.includes('trust')) {
    const bruteForce = await bruteForceBench({ rounds: options.quick ? 5 : 15, samplesPerRound: 40, floodRate: 2_000, floodConnections: 16 }, log);
    const locks = await lockBench(options.quick ? 20 : 100, log);
    figures.push(...bruteForce.figures, ...locks.figures);
    details['trust'] = { bruteForce, locks };
  }
  if (options.only.includes('zero-downtime')) {
    const result = await zeroDowntimeBench({ rounds: options.redeployRounds }, log);
    figures.push(...result.figures);
    details['zeroDowntime'] = result;
  }
  if (options.only.includes('async')) {
    const result = await asyncHooksBench(
      { rounds: options.rounds, samples: options.quick ? 200 : 1_000, services: options.services, followers: 100, stepMs: ASYNC_STEP_MS, hostNodeOptions },
      log,
    );
    figures.push(...result.figures);
    details['async'] = result;
  }
} finally {
  await rm(workDir, { recursive: true, force: true });
}

const run: BenchRun = {
  startedAt: startedAt.toISOString(),
  durationSeconds: (Date.now() - startedAt.getTime()) / 1000,
  complete: options.only.length === benchGroups.length && !options.quick,
  options,
  machineBefore,
  machineAfter: await machineFacts(),
  figures: [...figures].sort((a, b) => a.item - b.item),
  details,
};
const table = resultsTable(run);
await mkdir(options.resultsDir, { recursive: true });
await writeFile(join(options.resultsDir, 'latest.json'), `${JSON.stringify(run, null, 2)}\n`);
await writeFile(join(options.resultsDir, 'latest.md'), table);
process.stdout.write(table);
if (run.complete) {
  const docsPath = join(repoRoot, 'docs', 'performance.md');
  const docs = await readFile(docsPath, 'utf8').catch(() => null);
  const start = docs?.indexOf(TABLE_START) ?? -1;
  const end = docs?.indexOf(TABLE_END) ?? -1;
  if (docs !== null && start >= 0 && end > start) {
    await writeFile(docsPath, `${docs.slice(0, start + TABLE_START.length)}\n${table}${docs.slice(end)}`);
    log('docs/performance.md: latest table updated');
  }
}
log(`done in ${Math.round(run.durationSeconds)} s`);

/**
 * Item 5: the compiled host as its own process. Start-up time to healthy (first start on an
 * empty data folder, and a restart), and idle resident memory with an empty catalog and with
 * the largest generated catalog loaded.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../test/support/free-port.js';
import { ApiClient } from './api-client.js';
import { buildHost } from './build-host.js';
import type { Figure } from './figure.js';
import { startHostProcess } from './host-process.js';
import { median } from './median.js';

export interface FootprintOptions {
  readonly rounds: number;
  /** A folder of generated manifests and how many products it holds. */
  readonly catalogFolder: string;
  readonly products: number;
  /** Where the host is compiled to (inside the repository). */
  readonly buildDir: string;
}

export interface FootprintResult {
  readonly rounds: number;
  readonly products: number;
  readonly firstStartMs: number[];
  readonly restartMs: number[];
  readonly idleRssEmptyBytes: number[];
  readonly idleRssLoadedBytes: number[];
  /** How long the loaded host took from healthy to a complete catalog. */
  readonly catalogLoadMs: number[];
  readonly catalogNotMeasured: string | null;
  readonly figures: readonly Figure[];
}

/** Quiet time before idle memory is read: start-up garbage has had its chance to be collected. */
const IDLE_SETTLE_MS = 3_000;
const CATALOG_TIMEOUT_MS = 300_000;
const admin = { username: 'admin', password: 'bench-footprint-password' };

/** Products the host's catalog lists right now, `null` when the host has no catalog API. */
async function catalogProducts(api: ApiClient): Promise<number | null> {
  const answer = await api.call('GET', '/api/catalog');
  if (answer.status === 404) return null;
  const products = answer.body['products'];
  if (!Array.isArray(products)) throw new Error(`GET /api/catalog answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
  // One entry per product with its versions, or one per version: count versions either way.
  return products.reduce((sum: number, product: { versions?: unknown }) => sum + (Array.isArray(product.versions) ? product.versions.length : 1), 0);
}

export async function footprintBench(options: FootprintOptions, log: (line: string) => void): Promise<FootprintResult> {
  log('footprint: compiling the host');
  const mainJs = await buildHost(options.buildDir);
  const result = {
    firstStartMs: [] as number[],
    restartMs: [] as number[],
    idleRssEmptyBytes: [] as number[],
    idleRssLoadedBytes: [] as number[],
    catalogLoadMs: [] as number[],
  };
  let catalogNotMeasured: string | null = null;
  const env = { RSGO_ADMIN_USER: admin.username, RSGO_ADMIN_PASSWORD: admin.password };

  for (let round = 0; round < options.rounds; round++) {
    const tempDir = await mkdtemp(join(tmpdir(), 'rsgo-bench-footprint-'));
    try {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const config = (plugins: readonly object[]) => ({ server: { host: '127.0.0.1', port }, dataDir: join(tempDir, 'data'), plugins });
      const source = { use: 'local-directory-source', name: 'bench', options: { path: options.catalogFolder } };
      const emptyConfig = join(tempDir, 'empty.yaml');
      const loadedConfig = join(tempDir, 'loaded.yaml');
      // JSON is YAML: the host reads these like any config file.
      await writeFile(emptyConfig, JSON.stringify(config([{ use: 'api-key-auth' }, { use: 'docker-runtime' }])));
      await writeFile(loadedConfig, JSON.stringify(config([{ use: 'api-key-auth' }, { use: 'docker-runtime' }, source])));

      // First start: migrations and the first administrator (production password cost).
      const first = await startHostProcess(mainJs, emptyConfig, url, env);
      result.firstStartMs.push(first.msToHealthy);
      await sleep(IDLE_SETTLE_MS);
      result.idleRssEmptyBytes.push(await first.rssBytes());
      await first.stop();

      // Restart on the same data, now with the catalog folder configured.
      const again = await startHostProcess(mainJs, loadedConfig, url, env);
      result.restartMs.push(again.msToHealthy);
      try {
        const api = new ApiClient(url);
        await api.signIn(admin.username, admin.password);
        const waitStarted = performance.now();
        let listed = await catalogProducts(api);
        while (listed !== null && listed < options.products && performance.now() - waitStarted < CATALOG_TIMEOUT_MS) {
          await sleep(250);
          listed = await catalogProducts(api);
        }
        if (listed === null) {
          catalogNotMeasured = 'this build has no catalog API (GET /api/catalog answers 404)';
        } else if (listed < options.products) {
          throw new Error(`the catalog listed ${listed} of ${options.products} products after ${CATALOG_TIMEOUT_MS / 1000} s`);
        } else {
          result.catalogLoadMs.push(performance.now() - waitStarted);
          await sleep(IDLE_SETTLE_MS);
          result.idleRssLoadedBytes.push(await again.rssBytes());
        }
      } finally {
        await again.stop();
      }
      log(
        `footprint round ${round + 1}/${options.rounds}: first start ${result.firstStartMs.at(-1)?.toFixed(0)} ms, ` +
          `restart ${result.restartMs.at(-1)?.toFixed(0)} ms, idle RSS ${((result.idleRssEmptyBytes.at(-1) ?? 0) / 2 ** 20).toFixed(0)} MiB empty` +
          (catalogNotMeasured === null ? `, ${((result.idleRssLoadedBytes.at(-1) ?? 0) / 2 ** 20).toFixed(0)} MiB loaded` : ''),
      );
    } finally {
      await rm(tempDir, { recursive: true, force: true });
    }
  }
  await rm(options.buildDir, { recursive: true, force: true });

  const mib = (values: readonly number[]) => (values.length === 0 ? null : median(values) / 2 ** 20);
  const products = options.products.toLocaleString('en-US');
  const notMeasured = catalogNotMeasured === null ? {} : { note: `not measured: ${catalogNotMeasured}` };
  const figures: Figure[] = [
    { item: 5, name: 'Start-up to healthy, first start (empty data folder)', value: median(result.firstStartMs), unit: 'ms' },
    { item: 5, name: `Start-up to healthy, restart (${products} products configured)`, value: median(result.restartMs), unit: 'ms' },
    { item: 5, name: 'Idle RSS, empty catalog', value: mib(result.idleRssEmptyBytes), unit: 'MiB' },
    { item: 5, name: `Idle RSS, ${products} products loaded`, value: mib(result.idleRssLoadedBytes), unit: 'MiB', ...notMeasured },
    {
      item: 5,
      name: `Catalog of ${products} products complete, after healthy`,
      value: result.catalogLoadMs.length === 0 ? null : median(result.catalogLoadMs),
      unit: 'ms',
      ...notMeasured,
    },
  ];
  return { rounds: options.rounds, products: options.products, ...result, catalogNotMeasured, figures };
}

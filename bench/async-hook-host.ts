/**
 * Benchmark child: a host with the paced runtime (`--step-ms` between the steps it reports) and a
 * catalog folder (`--catalog`), for the asynchronous hooks benchmark.
 */
import { parseArgs } from 'node:util';
import { runBenchChild } from './bench-child.js';
import { pacedRuntimePlugin } from './paced-runtime-plugin.js';
import type { RedeployHostReport } from './redeploy-host.js';
import { startBenchHost } from './start-bench-host.js';

runBenchChild<RedeployHostReport>(async () => {
  const { values } = parseArgs({ options: { catalog: { type: 'string' }, 'step-ms': { type: 'string', default: '0' } } });
  const bench = await startBenchHost(
    [
      { use: 'api-key-auth' },
      { use: pacedRuntimePlugin.id, options: { stepMs: Number(values['step-ms']) } },
      { use: 'local-directory-source', name: 'bench', options: { path: values.catalog ?? '' } },
    ],
    { [pacedRuntimePlugin.id]: pacedRuntimePlugin },
  );
  return { report: { url: bench.url, admin: bench.admin }, stop: () => bench.close() };
});

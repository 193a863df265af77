/**
 * Benchmark child: a host with the Docker runtime and a catalog folder (`--catalog`), for the
 * redeploy benchmarks; `--settle-seconds` sets the runtime's option of that name, `--swarm` adds
 * the swarm-runtime plugin. The parent drives it through the HTTP API like a pipeline would.
 */
import { parseArgs } from 'node:util';
import { runBenchChild } from './bench-child.js';
import { startBenchHost } from './start-bench-host.js';

export interface RedeployHostReport {
  readonly url: string;
  readonly admin: { readonly username: string; readonly password: string };
}

runBenchChild<RedeployHostReport>(async () => {
  const { values } = parseArgs({ options: { catalog: { type: 'string' }, 'settle-seconds': { type: 'string' }, swarm: { type: 'boolean' } } });
  const settle = values['settle-seconds'] === undefined ? {} : { settleSeconds: Number(values['settle-seconds']) };
  const bench = await startBenchHost([
    { use: 'api-key-auth' },
    { use: 'docker-runtime', options: { pull: 'always', stopTimeoutSeconds: 10, ...settle } },
    ...(values.swarm ? [{ use: 'swarm-runtime', options: { stopTimeoutSeconds: 10 } }] : []),
    { use: 'local-directory-source', name: 'bench', options: { path: values.catalog ?? '' } },
  ]);
  return { report: { url: bench.url, admin: bench.admin }, stop: () => bench.close() };
});

import test from 'ava';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { load } from 'js-yaml';
import { parseConfig } from '../../core/config/load-config.js';
import { builtinPlugins } from '../../plugins/builtin-plugins.js';

const run = promisify(execFile);
const read = (path: string) => readFile(new URL(`../../${path}`, import.meta.url), 'utf8');
const composeEnv = { ...process.env, DOCKER_GID: '998', RSGO_ADMIN_PASSWORD: 'not-a-real-password' };

interface ComposeService {
  readonly user?: string;
  readonly group_add?: string[];
  readonly volumes: Array<string | { source?: string; target: string }>;
  readonly deploy?: { placement?: { constraints?: string[] }; replicas?: number };
}

/** The file as `docker-compose config` resolves it (which also checks it against the compose schema). */
async function resolved(path: string): Promise<Record<string, ComposeService>> {
  const { stdout } = await run('docker-compose', ['--file', path, 'config'], { env: composeEnv });
  return (load(stdout) as { services: Record<string, ComposeService> }).services;
}

const targets = (service: ComposeService) => service.volumes.map((v) => (typeof v === 'string' ? v.split(':')[1] : v.target)).sort();

test("the image's config is valid: everything under /data, the socket, options every plugin accepts", async (t) => {
  const config = parseConfig(await read('config/container.yaml'), {});
  t.is(config.dataDir, '/data');
  t.is(config.server.host, '0.0.0.0');
  t.deepEqual(config.database, { client: 'sqlite' });
  for (const entry of config.plugins) {
    t.true(builtinPlugins[entry.use]?.options.safeParse(entry.options ?? {}).success, entry.use);
  }
  t.like(config.plugins.find((p) => p.use === 'local-directory-source')?.options, { path: '/data/catalog' });
  t.like(config.plugins.find((p) => p.use === 'docker-runtime')?.options, { socketPath: '/var/run/docker.sock' });
});

test('the compose file runs the image with the socket and one data volume, in the socket group, on loopback', async (t) => {
  const { rsgo } = await resolved('examples/compose/docker-compose.yml');
  t.truthy(rsgo);
  t.deepEqual(targets(rsgo!), ['/data', '/var/run/docker.sock']);
  t.deepEqual(rsgo!.group_add?.map(String), ['998']);
  t.regex(JSON.stringify(rsgo), /127\.0\.0\.1/);
});

test('the Swarm stack file runs one host on a manager with the socket and one data volume, as uid 1000 in the socket group', async (t) => {
  const { host } = await resolved('examples/swarm/rsgo-stack.yml');
  t.truthy(host);
  t.deepEqual(targets(host!), ['/data', '/var/run/docker.sock']);
  t.is(host!.user, '1000:998');
  t.is(host!.deploy?.replicas, 1);
  t.deepEqual(host!.deploy?.placement?.constraints, ['node.role == manager']);
});

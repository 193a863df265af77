import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ExecutionContext } from 'ava';
import type { PluginDefinition } from '../../core/plugin-api.js';
import type { TestResponse } from '../../core/testing.js';
import { useAuthHost, type AuthTestHost } from './api-keys.js';
import type { DatabaseEngine } from './databases.js';
import { docker } from './docker-cli.js';
import { idle } from './test-plan.js';

/** A host that deploys to the real engine from a catalog folder the test writes. */
export interface DeployTestHost extends AuthTestHost {
  /** The default `local` environment: the host's own engine. */
  readonly environmentId: string;
  /** The local catalog source's folder (source id `stacks`). */
  readonly catalogDir: string;
  /** Writes manifest files (path → YAML) into the catalog and syncs it. */
  addManifests(files: Readonly<Record<string, string>>): Promise<void>;
  /** An admin request. */
  admin(method: string, path: string, body?: unknown): Promise<TestResponse>;
}

export interface DeployHostOptions {
  readonly engine?: DatabaseEngine;
  readonly manifests?: Readonly<Record<string, string>>;
  /** Config sections besides `database` and `plugins` (e.g. `deployments`). */
  readonly config?: Record<string, unknown>;
  /** Extra plugins, tapped after the built-ins the fixture enables. */
  readonly plugins?: Readonly<Record<string, PluginDefinition>>;
  readonly extraPlugins?: readonly Record<string, unknown>[];
  /** Options of `docker-runtime` besides the fixture's short timeouts. */
  readonly runtimeOptions?: Record<string, unknown>;
  /** The `database:` section, to start a second host on the first one's database. */
  readonly database?: Record<string, unknown>;
  /** The host's environment variables (a fixed admin password for a second host). */
  readonly env?: NodeJS.ProcessEnv;
  /** The host's own clock (a skewed one for a second host). */
  readonly clock?: () => number;
}

/**
 * Starts a host with `api-key-auth`, `docker-runtime` and a `local-directory-source` named
 * `stacks`, signs the admin in and syncs the catalog. Everything the host creates on the engine
 * for this host's environment is removed when the test ends.
 *
 * Tests using it run serially within their file (`test.serial`): every stack gets a network,
 * and the engine's pool of network address ranges is small and shared by every test run on
 * the machine.
 */
export async function useDeployHost(t: ExecutionContext, options: DeployHostOptions = {}): Promise<DeployTestHost> {
  const catalogDir = await mkdtemp(join(tmpdir(), 'rsgo-catalog-'));
  t.teardown(() => rm(catalogDir, { recursive: true, force: true }));
  const write = async (files: Readonly<Record<string, string>>) => {
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(catalogDir, path)), { recursive: true });
      await writeFile(join(catalogDir, path), text);
    }
  };
  await write(options.manifests ?? {});
  const auth = await useAuthHost(t, options.engine ?? 'sqlite', {
    ...(options.plugins ? { plugins: options.plugins } : {}),
    ...(options.database ? { database: options.database } : {}),
    ...(options.env ? { env: options.env } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    config: {
      // Generous bounds: the engine is slow on a loaded machine.
      deployments: { timeoutSeconds: 300, lockWaitSeconds: 300, leaseSeconds: 5 },
      ...options.config,
    },
    runtimeOptions: { stopTimeoutSeconds: 2, ...options.runtimeOptions },
    extraPlugins: [
      { use: 'local-directory-source', name: 'stacks', options: { path: catalogDir } },
      ...(options.extraPlugins ?? []),
    ],
  });
  const environment = (await auth.host.host.environments.list()).find((e) => e.isDefault);
  if (!environment) throw new Error('no default environment');
  t.teardown(() => removeEnvironmentResources(environment.id));
  await auth.host.host.catalog.sync();
  return {
    ...auth,
    environmentId: environment.id,
    catalogDir,
    async addManifests(files) {
      await write(files);
      await auth.host.host.catalog.sync();
    },
    admin: (method, path, body) => auth.host.request(method, path, { token: auth.token, ...(body === undefined ? {} : { body }) }),
  };
}

/** Removes every container, network and volume labelled with the environment, whatever state a test left. */
export async function removeEnvironmentResources(environmentId: string): Promise<void> {
  const filter = `label=rsgo.environment=${environmentId}`;
  const list = async (...args: string[]) => (await docker(...args, '--quiet', '--filter', filter)).split('\n').filter(Boolean);
  const containers = await list('container', 'ls', '--all');
  if (containers.length > 0) await docker('container', 'rm', '--force', '--volumes', ...containers);
  const networks = await list('network', 'ls');
  if (networks.length > 0) await docker('network', 'rm', ...networks);
  const volumes = await list('volume', 'ls');
  if (volumes.length > 0) await docker('volume', 'rm', '--force', ...volumes);
}

/** A manifest `command:` that runs `script` (failing with it), then idles until stopped (JSON is YAML). */
export function idleCommand(script = 'true'): string {
  return JSON.stringify(idle(script));
}

/** `<name> <state>` of every container labelled `label=value`, sorted. */
export async function containersLabelled(label: string, value: string): Promise<string[]> {
  const out = await docker('container', 'ls', '--all', '--format', '{{.Names}} {{.State}}', '--filter', `label=${label}=${value}`);
  return out.split('\n').filter(Boolean).sort();
}

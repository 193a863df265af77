import type { ExecutionContext } from 'ava';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMysqlDatabase, type DatabaseEngine } from './databases.js';
import { eventually, type HostProcess } from './host-process.js';

/** A host installation on disk: config, catalog and data folder, and the admin's credentials. */
export interface Installation {
  readonly configPath: string;
  readonly env: NodeJS.ProcessEnv;
}

/**
 * Writes a config with `api-key-auth`, `docker-runtime` and a catalog folder `stacks` holding
 * `manifests` (file name → YAML), for `startHostProcess`, on a SQLite file in the data folder or
 * a fresh MariaDB database. Leases are short, so a host started after a crash takes over the
 * interrupted operations within seconds.
 */
export async function install(t: ExecutionContext, manifests: Readonly<Record<string, string>>, engine: DatabaseEngine = 'sqlite'): Promise<Installation> {
  const dir = await mkdtemp(join(tmpdir(), 'rsgo-crash-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'stacks'));
  for (const [file, text] of Object.entries(manifests)) await writeFile(join(dir, 'stacks', file), text);
  const configPath = join(dir, 'rsgo.yaml');
  const database = engine === 'mysql' ? `database: { client: mysql, url: "${await createMysqlDatabase(t)}" }\n` : '';
  await writeFile(
    configPath,
    `server: { host: 127.0.0.1, port: 0 }
dataDir: ./data
${database}deployments: { timeoutSeconds: 300, lockWaitSeconds: 60, leaseSeconds: 2 }
plugins:
  - use: api-key-auth
  - use: docker-runtime
    options: { stopTimeoutSeconds: 2 }
  - use: local-directory-source
    name: stacks
    options: { path: ./stacks }
`,
  );
  return { configPath, env: { RSGO_ADMIN_USER: 'admin', RSGO_ADMIN_PASSWORD: randomBytes(12).toString('hex') } };
}

export interface ProcessResponse {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** A client of one host process, signed in as the admin. */
export interface ProcessClient {
  readonly environmentId: string;
  /** A management API call as the admin. */
  call(method: string, path: string, body?: unknown): Promise<ProcessResponse>;
  /** A `POST` of a webhook with an API key. */
  hook(path: string, apiKey: string, body: unknown): Promise<ProcessResponse>;
}

/** One JSON request; the answer's status and parsed body. */
export async function send(url: string, method: string, headers: Record<string, string>, body?: unknown): Promise<ProcessResponse> {
  const res = await fetch(url, {
    method,
    headers: { ...headers, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

export async function signIn(proc: HostProcess, env: NodeJS.ProcessEnv): Promise<ProcessClient> {
  const login = await send(`${proc.url}/api/auth/login`, 'POST', {}, { username: env['RSGO_ADMIN_USER'], password: env['RSGO_ADMIN_PASSWORD'] });
  const token = String(login.body['token']);
  const call = (method: string, path: string, body?: unknown) => send(`${proc.url}${path}`, method, { authorization: `Bearer ${token}` }, body);
  const environments = (await call('GET', '/api/environments')).body['environments'] as Array<{ id: string; isDefault: boolean }>;
  const environmentId = environments.find((e) => e.isDefault)?.id ?? '';
  return { environmentId, call, hook: (path, apiKey, body) => send(`${proc.url}${path}`, 'POST', { 'x-api-key': apiKey }, body) };
}

/** The deployment of `stackName` once recovery settled it (no longer Installing or Upgrading). */
export async function recovered(client: ProcessClient, stackName: string): Promise<Record<string, unknown>> {
  return eventually('recovery to settle the deployment', 180_000, async () => {
    const list = (await client.call('GET', '/api/deployments')).body['deployments'] as Array<{ id: string; stackName: string; status: string }>;
    const found = list.find((d) => d.stackName === stackName);
    if (!found || found.status === 'Installing' || found.status === 'Upgrading') return undefined;
    return (await client.call('GET', `/api/deployments/${found.id}`)).body['deployment'] as Record<string, unknown>;
  });
}

import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { HostConfig } from '../config/config-schema.js';
import { loadConfig, validateConfig } from '../config/load-config.js';
import type { HostHooks } from '../hooks/host-hooks.js';
import { createHost, type Host } from '../host.js';
import { createLogger } from '../logger.js';
import type { PluginDefinition } from '../plugin-host/define-plugin.js';
import { webhookPermissions } from '../triggers/webhook-endpoints.js';
import type { WebhookHandlers } from '../triggers/webhook-handlers.js';
import { httpExchange } from './http-exchange.js';

/** scrypt cost for test hosts only: every test starts a host, and production's cost adds seconds. */
const TEST_PASSWORD_COST = { N: 2 ** 10, r: 8, p: 1 } as const;

/** Options of {@link startTestHost}. */
export interface TestHostOptions {
  /** Config as it would be in the YAML file (objects, not text); `plugins`, `database`... */
  readonly config?: Record<string, unknown>;
  /**
   * A config file to read instead of `config`, as `rsgo serve` does: `host.reload()` and
   * `POST /api/admin/reload` read it again. Its relative paths resolve against its folder; the
   * host still listens on a free loopback port and keeps its data in its temp folder.
   */
  readonly configFile?: string;
  /** Extra plugins usable by id in `config.plugins[].use`, besides the built-ins. */
  readonly plugins?: Readonly<Record<string, PluginDefinition>>;
  /** Where relative paths in the config resolve; a temp folder by default. */
  readonly configDir?: string;
  /**
   * The host's environment variables (`RSGO_ADMIN_USER`, `RSGO_ADMIN_PASSWORD`). By default
   * the first administrator is `admin` with a random password, see {@link TestHost.admin}.
   */
  readonly env?: NodeJS.ProcessEnv;
  /** Replaces the work behind `/api/hooks/*` (e.g. to record what the routes pass on). */
  readonly webhookHandlers?: WebhookHandlers;
  /** Folder of the built web UI to serve (e.g. a fresh build of `web/`); `dist/web` by default. */
  readonly webRoot?: string;
  /** The host's own time (see `HostOptions.clock`), so a test can move or skew it instead of waiting. */
  readonly clock?: () => number;
}

/** An HTTP answer, body parsed as JSON when it is JSON. */
export interface TestResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
  readonly text: string;
}

export interface TestRequest {
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as `X-Api-Key`. */
  readonly apiKey?: string;
  /** Sent as `Authorization: Bearer ...`. */
  readonly token?: string;
}

/** A host listening on a free loopback port with its own temp data folder. */
export interface TestHost {
  readonly url: string;
  readonly host: Host;
  readonly hooks: HostHooks;
  readonly dataDir: string;
  /** Every log line written so far (JSON text), to assert on or to search for secrets. */
  readonly logs: readonly string[];
  /** The first administrator the host was started with (from `env`, or the default one). */
  readonly admin: { readonly username: string; readonly password: string };
  /** Signs the administrator in; resolves the session token for `request(..., { token })`. */
  signIn(): Promise<string>;
  /**
   * Creates an API key as the administrator and resolves the full key, for
   * `request(..., { apiKey })` against `/api/hooks/*` (the `api-key-auth` plugin must be
   * enabled). Holds every hook permission unless `permissions` are given.
   */
  createApiKey(permissions?: readonly string[]): Promise<string>;
  request(method: string, path: string, request?: TestRequest): Promise<TestResponse>;
  /** Stops the host and deletes its temp folder. */
  close(): Promise<void>;
}

/** Starts a real host for a test: real store (SQLite by default), real plugins, real HTTP. */
export async function startTestHost(
  builtins: Readonly<Record<string, PluginDefinition>>,
  options: TestHostOptions = {},
): Promise<TestHost> {
  const tempDir = await mkdtemp(join(tmpdir(), 'rsgo-test-'));
  const logs: string[] = [];
  const log = createLogger({ level: 'debug', destination: { write: (line: string) => void logs.push(line) } });
  const given = options.config ?? {};
  const { configFile } = options;
  // Read at start and at each reload: the file's address and data folder give way to the test host's.
  const readConfig =
    configFile === undefined
      ? undefined
      : async (): Promise<HostConfig> => {
          const { config: read } = await loadConfig(configFile);
          return { ...read, server: { ...read.server, host: '127.0.0.1', port: 0 }, dataDir: join(tempDir, 'data') };
        };
  const env = options.env ?? { RSGO_ADMIN_USER: 'admin', RSGO_ADMIN_PASSWORD: randomBytes(18).toString('base64url') };
  const admin = { username: env['RSGO_ADMIN_USER'] || 'admin', password: env['RSGO_ADMIN_PASSWORD'] ?? '' };
  let host: Host;
  try {
    const config = readConfig
      ? await readConfig()
      : validateConfig({
          ...given,
          server: { host: '127.0.0.1', port: 0, shutdownTimeoutMs: 2_000, ...(given['server'] as object | undefined) },
          dataDir: (given['dataDir'] as string | undefined) ?? join(tempDir, 'data'),
        });
    host = await createHost({
      config,
      configDir: options.configDir ?? (configFile === undefined ? tempDir : dirname(resolve(configFile))),
      builtins: { ...builtins, ...options.plugins },
      log,
      env,
      // Test hosts hash passwords cheaply: start-up and sign-in stay fast; production keeps the default.
      passwordCost: TEST_PASSWORD_COST,
      webhookHandlers: options.webhookHandlers,
      webRoot: options.webRoot,
      clock: options.clock,
      ...(readConfig ? { readConfig } : {}),
    });
  } catch (err) {
    await rm(tempDir, { recursive: true, force: true });
    throw err;
  }
  const { url } = await host.listen();
  // Tests start from a known catalog: the first sync has finished.
  await host.catalog.ready();

  const testHost: TestHost = {
    url,
    host,
    hooks: host.hooks,
    dataDir: host.dataDir,
    logs,
    admin,
    async signIn() {
      const res = await testHost.request('POST', '/api/auth/login', { body: admin });
      if (res.status !== 200 || typeof res.body['token'] !== 'string') throw new Error(`sign-in failed with ${res.status}: ${res.text}`);
      return res.body['token'];
    },
    async createApiKey(permissions = webhookPermissions) {
      const token = await testHost.signIn();
      const name = `test-key-${randomBytes(6).toString('hex')}`;
      const res = await testHost.request('POST', '/api/api-keys', { token, body: { name, permissions } });
      const created = res.body['apiKey'] as { fullKey?: unknown } | undefined;
      if (res.status !== 201 || typeof created?.fullKey !== 'string') throw new Error(`creating an API key failed with ${res.status}: ${res.text}`);
      return created.fullKey;
    },
    async request(method, path, request = {}) {
      const headers: Record<string, string> = { ...request.headers };
      if (request.apiKey !== undefined) headers['x-api-key'] = request.apiKey;
      if (request.token !== undefined) headers['authorization'] = `Bearer ${request.token}`;
      let body: string | undefined;
      if (request.body !== undefined) {
        body = typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
        headers['content-type'] ??= 'application/json';
      }
      const { status, headers: answerHeaders, text } = await httpExchange(url + path, method, headers, body);
      let parsed: Record<string, unknown> = {};
      try {
        parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch {
        // not JSON (the web UI's pages): keep the text only
      }
      return { status, headers: answerHeaders, body: parsed, text };
    },
    async close() {
      await host.close();
      await rm(tempDir, { recursive: true, force: true });
    },
  };
  return testHost;
}

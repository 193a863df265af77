import type { ExecutionContext } from 'ava';
import type { TestHost, TestHostOptions, TestResponse } from '../../core/testing.js';
import { databaseConfig, type DatabaseEngine } from './databases.js';
import { useTestHost } from './test-host.js';

/** A host on `engine` with `api-key-auth` and `docker-runtime` enabled, and the administrator's session token. */
export interface AuthTestHost {
  readonly host: TestHost;
  readonly token: string;
}

export interface AuthHostOptions extends Omit<TestHostOptions, 'config'> {
  /** Options of the `api-key-auth` plugin (brake limits). */
  readonly pluginOptions?: Record<string, unknown>;
  /** Config sections besides `database` and `plugins`. */
  readonly config?: Record<string, unknown>;
  /** The `database:` section; a fresh database of the engine by default. */
  readonly database?: Record<string, unknown>;
  /** Options of `docker-runtime`, the runtime of `docker` environments. */
  readonly runtimeOptions?: Record<string, unknown>;
  /** Plugin entries enabled after `api-key-auth` and `docker-runtime` (catalog sources...). */
  readonly extraPlugins?: readonly Record<string, unknown>[];
}

/**
 * Starts a host with a fresh database of `engine`, `api-key-auth` and `docker-runtime` (as the
 * shipped config has them: environments of type `docker` need their runtime), and signs the
 * admin in.
 */
export async function useAuthHost(t: ExecutionContext, engine: DatabaseEngine, options: AuthHostOptions = {}): Promise<AuthTestHost> {
  const { pluginOptions, config, database, runtimeOptions, extraPlugins, ...rest } = options;
  const host = await useTestHost(t, {
    ...rest,
    config: {
      ...config,
      database: database ?? (await databaseConfig(t, engine)),
      plugins: [
        { use: 'api-key-auth', ...(pluginOptions ? { options: pluginOptions } : {}) },
        { use: 'docker-runtime', ...(runtimeOptions ? { options: runtimeOptions } : {}) },
        ...(extraPlugins ?? []),
      ],
    },
  });
  return { host, token: await host.signIn() };
}

/** The `apiKey` object of a successful create. */
export interface CreatedKey {
  readonly id: string;
  readonly name: string;
  readonly keyPrefix: string;
  readonly fullKey: string;
  readonly permissions: string[];
  readonly environmentId: string | null;
  readonly expiresAt: string | null;
  readonly createdAt: string;
}

/** `POST /api/api-keys` as the admin; fails the test unless it answers 201. */
export async function createKey(t: ExecutionContext, { host, token }: AuthTestHost, body: Record<string, unknown>): Promise<CreatedKey> {
  const res = await host.request('POST', '/api/api-keys', { token, body });
  t.is(res.status, 201, res.text);
  return res.body['apiKey'] as CreatedKey;
}

/** The id of the default `local` environment. */
export async function defaultEnvironmentId({ host }: AuthTestHost): Promise<string> {
  const local = (await host.host.environments.list()).find((environment) => environment.isDefault);
  if (!local) throw new Error('no default environment');
  return local.id;
}

/** The exact body every refused authentication gets. */
export const invalidKeyBody = { success: false, message: 'Invalid or missing API key.', code: 'AUTH_INVALID' };

/** Checks `res` is exactly that 401 (plus the request id). */
export function assertInvalidKey(t: ExecutionContext, res: TestResponse): void {
  t.is(res.status, 401, res.text);
  t.deepEqual(res.body, { ...invalidKeyBody, requestId: res.headers.get('x-request-id') });
}

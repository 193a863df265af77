import { z } from 'zod';

/** The longest a sign-in session may last (12 hours), whatever the configuration asks for. */
export const MAX_SESSION_MINUTES = 12 * 60;

const hookTimeoutsMs = z.strictObject({
  authenticate: z.number().int().positive().default(5_000),
  beforeDeploy: z.number().int().positive().default(30_000),
  /** No longer used: `deployments.timeoutSeconds` is the one deadline of a deploy (start warns). */
  deploy: z.number().int().positive().optional(),
  afterDeploy: z.number().int().positive().default(30_000),
  catalogSource: z.number().int().positive().default(300_000),
  /** A plugin's `setup` at start: a plugin that hangs there stops the start with its name. */
  setup: z.number().int().positive().default(60_000),
});

/** Per-instance deadlines: only the hooks given override `hooks.timeoutMs`. */
const hookTimeoutOverrides = z.strictObject({
  authenticate: z.number().int().positive().optional(),
  beforeDeploy: z.number().int().positive().optional(),
  /** No longer used, as `hooks.timeoutMs.deploy`. */
  deploy: z.number().int().positive().optional(),
  afterDeploy: z.number().int().positive().optional(),
  catalogSource: z.number().int().positive().optional(),
  setup: z.number().int().positive().optional(),
});

/** Limits of a brute-force brake (see `core/auth/failure-brake.ts`). */
const brakeLimits = (defaults: { maxFailures: number; windowSeconds: number; lockoutSeconds: number }) =>
  z.strictObject({
    maxFailures: z.number().int().positive().default(defaults.maxFailures),
    windowSeconds: z.number().int().positive().default(defaults.windowSeconds),
    lockoutSeconds: z.number().int().positive().default(defaults.lockoutSeconds),
  });

/** Sign-in of operators: session tokens and the password brake. */
const authSchema = z.strictObject({
  /** Signs session tokens; generated once into `<dataDir>/token-secret` when absent. */
  tokenSecret: z.string().min(32, 'must be at least 32 characters').optional(),
  /** How long a session token from `POST /api/auth/login` is accepted; 12 hours at most. */
  tokenTtlMinutes: z.number().int().positive().max(MAX_SESSION_MINUTES).default(60),
  /** Failed sign-ins for one client address or one user name before they are refused with 429. */
  loginBrake: brakeLimits({ maxFailures: 5, windowSeconds: 300, lockoutSeconds: 300 }).prefault({}),
});

/** One entry of `plugins:`; order is tap order. */
export const pluginEntrySchema = z.strictObject({
  /** A built-in id, a path (`./x.js`, relative to the config file) or an npm package name. */
  use: z.string().min(1),
  /** Instance name; defaults to the plugin id. Also the catalog source id. */
  name: z
    .string()
    .regex(/^[a-z][a-z0-9-]*$/, 'must be kebab-case: a-z, 0-9 and -, starting with a letter')
    .optional(),
  enabled: z.boolean().default(true),
  options: z.record(z.string(), z.unknown()).optional(),
  /** This instance's own hook deadlines (a slow source, a notifier that must give up early). */
  timeoutMs: hookTimeoutOverrides.optional(),
});

/** The whole config file. Unknown keys are errors so typos never pass silently. */
export const configSchema = z.strictObject({
  server: z
    .strictObject({
      /** Loopback by default: the host is reached through a reverse proxy that terminates TLS. */
      host: z.string().default('127.0.0.1'),
      port: z.number().int().min(0).max(65_535).default(8080),
      /** Trust X-Forwarded-For (only behind a reverse proxy you control). */
      trustProxy: z.boolean().default(false),
      /** How long a stopping host waits for requests in flight. */
      shutdownTimeoutMs: z.number().int().positive().default(10_000),
      /** A client must have sent its request headers within this time, else 408 and the connection closes. */
      headersTimeoutSeconds: z.number().int().positive().max(300).default(10),
      /** ...and its whole request, body included, within this time. */
      requestTimeoutSeconds: z.number().int().positive().max(3_600).default(30),
      /** Open connections at most, all clients together (keep it below the process's open-file limit). */
      maxConnections: z.number().int().positive().default(1_000),
      /** Open connections at most from one client address (a reverse proxy is one address). */
      maxConnectionsPerAddress: z.number().int().positive().default(256),
    })
    .refine((server) => server.headersTimeoutSeconds <= server.requestTimeoutSeconds, {
      message: 'must not be longer than requestTimeoutSeconds',
      path: ['headersTimeoutSeconds'],
    })
    .refine((server) => server.maxConnectionsPerAddress <= server.maxConnections, {
      message: 'must not be more than maxConnections',
      path: ['maxConnectionsPerAddress'],
    })
    .prefault({}),
  /** Folder for the database, Git checkouts and secrets; relative to the config file. */
  dataDir: z.string().default('../data'),
  database: z
    .strictObject({
      client: z.enum(['sqlite', 'mysql']).default('sqlite'),
      /** SQLite file, relative to the config file. */
      filename: z.string().optional(),
      /** `mysql://user:password@host:port/database` for `client: mysql`. */
      url: z.string().optional(),
    })
    .prefault({})
    .refine((db) => db.client !== 'mysql' || db.url !== undefined, {
      message: 'Required when client is mysql',
      path: ['url'],
    }),
  log: z.strictObject({ level: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info') }).prefault({}),
  hooks: z.strictObject({ timeoutMs: hookTimeoutsMs.prefault({}) }).prefault({}),
  auth: authSchema.prefault({}),
  deployments: z
    .strictObject({
      /** The one deadline of an operation: pulls, init containers, starts, health checks. */
      timeoutSeconds: z.number().int().positive().default(600),
      /** How long an operation waits for another one on the same stack before a 409. */
      lockWaitSeconds: z.number().int().min(0).default(120),
      /** How many operations may wait for one stack; more get a 409 with Retry-After at once. */
      maxLockWaiters: z.number().int().min(0).default(20),
      /** How long a stack stays locked by a host that died during an operation. */
      leaseSeconds: z.number().int().positive().default(15),
    })
    .prefault({}),
  /** `GET /metrics` for Prometheus. */
  metrics: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** When set, a scrape must send `Authorization: Bearer <token>`; empty means no authentication. */
      token: z.string().default(''),
    })
    .prefault({}),
  plugins: z.array(pluginEntrySchema).default([]),
});

/** The validated config, with defaults applied. Paths are still as written. */
export type HostConfig = z.output<typeof configSchema>;
export type PluginEntry = z.output<typeof pluginEntrySchema>;

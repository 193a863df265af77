import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type Koa from 'koa';
import { apiKeyRoutes } from './http/routes/api-key-routes.js';
import { ApiKeyService } from './api-keys/api-key-service.js';
import { AuditLog } from './audit/audit-log.js';
import { auditRoutes } from './http/routes/audit-routes.js';
import { authRoutes } from './http/routes/auth-routes.js';
import { FailureBrake } from './auth/failure-brake.js';
import { tapSessionAuthenticator } from './auth/session-authenticator.js';
import { SessionTokens } from './auth/session-tokens.js';
import { loadTokenSecret } from './auth/token-secret.js';
import type { ScryptCost } from './auth/password-hash.js';
import { UserService } from './auth/user-service.js';
import { CatalogService } from './catalog/catalog-service.js';
import { catalogRoutes } from './http/routes/catalog-routes.js';
import { syncSourcesResult } from './catalog/sync-sources-result.js';
import type { HostConfig } from './config/config-schema.js';
import { deploymentRoutes } from './http/routes/deployment-routes.js';
import { deploymentOperationRoutes } from './http/routes/deployment-operation-routes.js';
import { deploymentsByStatus } from './deployments/deployments-by-status.js';
import { sharedCatalog } from './deployments/shared-catalog.js';
import { StackLocks } from './deployments/stack-locks.js';
import { loadHostId } from './operations/host-id.js';
import { OperationJournal } from './operations/operation-journal.js';
import { OperationRunner } from './operations/operation-runner.js';
import { operationRoutes } from './http/routes/operation-routes.js';
import { DeploymentRecovery } from './operations/recover-deployments.js';
import { checkRedeploy, redeploy } from './operations/redeploy.js';
import { checkUpgradeCall, upgrade } from './operations/upgrade.js';
import { environmentRoutes } from './http/routes/environment-routes.js';
import { EnvironmentService } from './environments/environment-service.js';
import { ConflictError, errorMessage } from './errors.js';
import { CurrentPlugins } from './hooks/current-plugins.js';
import type { HostHooks } from './hooks/host-hooks.js';
import { eventDeliveryRoutes } from './http/routes/event-delivery-routes.js';
import { EventDeliveries } from './plugin-host/event-deliveries.js';
import { createPluginHooks, createPluginStats } from './hooks/plugin-hooks.js';
import type { RuntimeLookup } from './hooks/runtime-registry.js';
import { answerClientError } from './http/answer-client-error.js';
import { limitConnections, TIMEOUT_CHECK_INTERVAL_MS } from './http/connection-limits.js';
import { createApp } from './http/create-app.js';
import { EventStreams } from './http/event-stream.js';
import { healthRoutes } from './http/routes/health-routes.js';
import { apiDocsRoutes } from './http/routes/api-docs-routes.js';
import { mountRoutes, type RouteDefinition } from './http/route-table.js';
import { metricsRoutes } from './http/routes/metrics-routes.js';
import { HostMetrics } from './metrics/host-metrics.js';
import { defaultWebRoot } from './http/web-ui.js';
import type { RequestState } from './http/request-state.js';
import { createLogger, type Logger } from './logger.js';
import type { PluginDefinition } from './plugin-host/define-plugin.js';
import { loadPluginSet, type LoadedPluginSet } from './plugin-host/load-plugin-set.js';
import type { PluginSet } from './plugin-host/plugin-loader.js';
import { PluginReload, type ReloadSummary } from './plugin-host/plugin-reload.js';
import { adminRoutes } from './http/routes/admin-routes.js';
import { pluginFailureCounts } from './plugin-host/plugin-failure-counts.js';
import { pluginRoutes } from './http/routes/plugin-routes.js';
import { openStore, type Store } from './store/open-store.js';
import { webhookPermissions, webhookEndpoints } from './triggers/webhook-endpoints.js';
import type { WebhookHandlers } from './triggers/webhook-handlers.js';
import { webhookRoutes } from './triggers/webhook-routes.js';
import { countHookRequests } from './triggers/hook-request-counter.js';
import packageJson from '../package.json' with { type: 'json' };

export interface HostOptions {
  readonly config: HostConfig;
  /** Folder of the config file; relative paths in the config resolve against it. */
  readonly configDir: string;
  /** Built-in plugins by id. */
  readonly builtins: Readonly<Record<string, PluginDefinition>>;
  readonly log?: Logger;
  /** Where `RSGO_ADMIN_USER` and `RSGO_ADMIN_PASSWORD` are read; `process.env` by default. */
  readonly env?: NodeJS.ProcessEnv;
  /** Replaces the work behind `/api/hooks/*` (the operations and the catalog sync), for tests. */
  readonly webhookHandlers?: WebhookHandlers;
  /** scrypt cost of new password hashes; the strong default unless a test needs speed. */
  readonly passwordCost?: ScryptCost;
  /** Folder of the built web UI; `dist/web` of this package by default. */
  readonly webRoot?: string;
  /**
   * The host's own time (ms since the epoch): sessions, the sign-in brake and how long an
   * operation waits for its stack go by it; the system clock by default.
   */
  readonly clock?: () => number;
  /** Reads the config file anew, for a reload (see {@link Host.reload}); without it the host cannot reload. */
  readonly readConfig?: () => Promise<HostConfig>;
}

/** A running host: its parts, for the process entry and for tests. */
export interface Host {
  readonly app: Koa<RequestState>;
  /** The hooks of the plugin set in use (a reload replaces it). */
  readonly hooks: HostHooks;
  readonly store: Store;
  /** The plugin set in use. */
  readonly plugins: PluginSet;
  /** The environment types the runtime plugins in use serve. */
  readonly runtimes: RuntimeLookup;
  readonly environments: EnvironmentService;
  /** The stack catalog; its first sync starts with the host (see `catalog.ready()`). */
  readonly catalog: CatalogService;
  readonly users: UserService;
  readonly apiKeys: ApiKeyService;
  readonly audit: AuditLog;
  /** Runs every operation on deployments and keeps their records. */
  readonly operations: OperationRunner;
  /** The record of every hook call that ran, with its answer and events. */
  readonly journal: OperationJournal;
  readonly log: Logger;
  readonly dataDir: string;
  /** Starts the HTTP server on the configured host and port (0 = any free port). */
  listen(): Promise<{ url: string; port: number }>;
  /**
   * Reads the config file again and replaces the plugin set with its plugins: operations running
   * finish on the set they started on, whose plugins close once the last of them ended.
   * @throws ConfigError with the message a start would give; the set in use stays as it was.
   */
  reload(): Promise<ReloadSummary>;
  /**
   * Stops accepting, aborts the running operations and lets them record why, lets requests in
   * flight take their answers (bounded by `server.shutdownTimeoutMs`), then closes plugins and store.
   */
  close(): Promise<void>;
}

/** Assembles the host: store and migrations, hooks, plugins, domain services and routes. */
export async function createHost(options: HostOptions): Promise<Host> {
  const { config, configDir } = options;
  const log = options.log ?? createLogger({ level: config.log.level });
  if (config.hooks.timeoutMs.deploy !== undefined || config.plugins.some((entry) => entry.timeoutMs?.deploy !== undefined)) {
    log.warn({}, 'hooks.timeoutMs.deploy is no longer used: deployments.timeoutSeconds is the one deadline of a deploy');
  }
  const clock = options.clock ?? Date.now;
  const dataDir = resolve(configDir, config.dataDir);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const store = await openStore(config.database, configDir, dataDir, log);
  // Requests and operations reach the plugins through the set in use: a reload replaces it.
  const current = new CurrentPlugins<LoadedPluginSet>();
  const { hooks, runtimes } = current;
  const metrics = new HostMetrics({
    processMetrics: config.metrics.enabled,
    deploymentsByStatus: () => deploymentsByStatus(store),
    // Scraped once the host listens, when a set is loaded; a reload starts the counts afresh.
    pluginFailures: () => pluginFailureCounts(current.generation.plugins.plugins),
    log,
  });
  const audit = new AuditLog(store, log, (event) => metrics.countAuthFailure(event));
  const environments = new EnvironmentService(store, runtimes);
  const users = new UserService(store, options.passwordCost);
  const apiKeys = new ApiKeyService(store, environments, log);
  const journal = new OperationJournal(store, log, await loadHostId(dataDir));
  const deliveries = new EventDeliveries(store, log, clock);
  let tokens: SessionTokens;
  let first: LoadedPluginSet | undefined;
  const loadPlugins = (loaded: HostConfig) =>
    loadPluginSet({
      entries: loaded.plugins,
      builtins: options.builtins,
      timeouts: loaded.hooks.timeoutMs,
      // The core's sign-in method taps like a plugin would, so OIDC or LDAP plugins sit beside it.
      tapCore: (fresh, timeouts) => tapSessionAuthenticator(createPluginHooks(fresh, 'session', timeouts, createPluginStats(), log), tokens, users, webhookPermissions),
      configDir,
      dataDir,
      log,
      host: { version: packageJson.version, apiKeys, audit, now: clock },
      deliveries,
    });
  try {
    await journal.open();
    await deliveries.open();
    await users.ensureFirstAdmin(options.env ?? process.env, log);
    tokens = new SessionTokens(await loadTokenSecret(config.auth.tokenSecret, dataDir), config.auth.tokenTtlMinutes, store, clock);
    first = await loadPlugins(config);
    current.replace(first);
    // After the plugins: the default runtime, if enabled, gives the `local` environment its settings.
    await environments.ensureDefault();
  } catch (err) {
    await journal.close();
    await deliveries.close();
    await first?.close();
    await apiKeys.close();
    await store.destroy();
    throw err;
  }

  const { deployments } = config;
  // This host's clock only times how long an operation waits for its stack; leases go by the database's.
  const locks = new StackLocks(store, log, { leaseMs: deployments.leaseSeconds * 1000, maxWaiters: deployments.maxLockWaiters, now: clock });
  const catalog = new CatalogService(hooks, log.child({ area: 'catalog' }), {
    // Read at each sync: a reload may change it.
    get sourceTimeoutMs() {
      return current.generation.timeouts.catalogSource;
    },
    metrics,
    onOnePluginSet: current.use,
    // SQLite serves one host only: no other catalog to keep in step with, and no store read
    // before every hook call to find that out.
    ...(config.database.client === 'mysql' && { shared: sharedCatalog(store, locks, deployments.lockWaitSeconds * 1000) }),
  });
  // Not awaited: a slow or failing source must neither delay nor stop the start. The sync
  // reports its own failures; anything thrown beyond that is logged here.
  catalog.sync().catch((err: unknown) => log.error({ err: errorMessage(err) }, 'catalog sync at start failed'));

  const operations = new OperationRunner({ store, hooks, runtimes, log, catalog, environments, dataDir, settings: deployments, locks, metrics, onOnePluginSet: current.use });
  // Operations a stopped host left unfinished are reconciled in the background: the host
  // answers meanwhile, and a stack being reconciled is locked like any other operation.
  const recovery = new DeploymentRecovery(operations);
  void recovery.start();
  const { readConfig } = options;
  const reloads = new PluginReload({
    running: config,
    read: readConfig ?? (() => Promise.reject(new ConflictError('This host was not started from a config file: there is nothing to reload.'))),
    load: loadPlugins,
    plugins: current,
    // The sources of the new set fill the catalog; those gone leave it with this sync.
    replaced: () => void catalog.sync().catch((err: unknown) => log.error({ err: errorMessage(err) }, 'catalog sync after a reload failed')),
    log,
  });
  const webhookHandlers: WebhookHandlers = options.webhookHandlers ?? {
    redeploy: (input, caller) => redeploy(operations, input, caller),
    upgrade: (input, caller) => upgrade(operations, input, caller),
    checkRedeploy: (input) => checkRedeploy(operations, input),
    checkUpgrade: (input) => checkUpgradeCall(operations, input),
    syncSources: async (caller) => syncSourcesResult(await catalog.sync(caller.requestId, caller.principal)),
  };

  const eventStreams = new EventStreams();
  // The route table: every route the host serves, each declared once (core/http/route-table.ts).
  // The router and the OpenAPI document are both made from it: a new area's routes go here.
  const routes: RouteDefinition[] = [
    // First: a pipeline's call then passes no other route's path matching (their paths never overlap).
    ...webhookRoutes({ handlers: webhookHandlers, audit, endpoints: webhookEndpoints, log, journal }),
    ...operationRoutes(journal, eventStreams),
    ...healthRoutes(store),
    ...metricsRoutes(metrics, config.metrics),
    ...authRoutes({ users, tokens, audit, brake: new FailureBrake(config.auth.loginBrake, clock) }),
    ...apiKeyRoutes({ apiKeys, audit, permissions: webhookPermissions }),
    ...environmentRoutes(environments, audit),
    ...deploymentRoutes(operations, audit),
    ...deploymentOperationRoutes(operations, audit, eventStreams, journal, log),
    ...auditRoutes(audit),
    ...pluginRoutes(() => current.generation.plugins.plugins),
    ...adminRoutes({ reload: () => reloads.reload(), audit }),
    ...catalogRoutes(catalog, audit),
    ...eventDeliveryRoutes(deliveries, audit),
  ];
  routes.push(...apiDocsRoutes(() => routes, packageJson.version));

  const app = createApp({
    log,
    hooks,
    trustProxy: config.server.trustProxy,
    observers: [countHookRequests(webhookEndpoints, (endpoint) => metrics.hookRequestSlots(endpoint))],
    routes: mountRoutes(routes, hooks),
    webRoot: options.webRoot ?? defaultWebRoot(),
  });

  let server: Server | null = null;
  let closing: Promise<void> | null = null;

  /**
   * Stops accepting, aborts every running operation (each records why and frees its lock) and
   * lets requests in flight take their answers; all of it within `server.shutdownTimeoutMs`,
   * after which the connections still open are closed.
   */
  const stopWork = async () => {
    const running = server;
    const closed = running ? new Promise<void>((done) => running.close(() => done())) : Promise.resolve();
    eventStreams.endAll();
    running?.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'late'>((done) => (timer = setTimeout(() => done('late'), config.server.shutdownTimeoutMs)));
    const answered = operations.close().then(() => {
      // Connections kept alive after their answer would hold the close up until the deadline.
      running?.closeIdleConnections();
      return closed;
    });
    const finished = await Promise.race([answered, deadline]);
    clearTimeout(timer);
    if (finished === 'late') {
      log.warn({}, 'operations or requests still running at the shutdown deadline; closing their connections');
      running?.closeAllConnections();
    }
  };

  return {
    app,
    hooks,
    store,
    get plugins() {
      return current.generation.plugins;
    },
    runtimes,
    environments,
    catalog,
    users,
    apiKeys,
    audit,
    operations,
    journal,
    log,
    dataDir,
    listen: () =>
      new Promise((done, fail) => {
        const created = createServer({ connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS }, app.callback());
        limitConnections(created, config.server);
        server = created;
        created.once('error', fail);
        created.on('clientError', answerClientError);
        created.listen(config.server.port, config.server.host, () => {
          const { port } = created.address() as AddressInfo;
          const shownHost = config.server.host === '0.0.0.0' || config.server.host === '::' ? '127.0.0.1' : config.server.host;
          done({ url: `http://${shownHost}:${port}`, port });
        });
      }),
    reload: () => reloads.reload(),
    close: () => {
      closing ??= (async () => {
        // Refused from now on; one under way is waited for before the plugins close.
        const reloadsEnded = reloads.close();
        await stopWork();
        await recovery.close();
        // Sources write into plugin data folders: stop them before the plugins close.
        await catalog.close();
        await reloadsEnded;
        // Operations that ran after their 202 record their answers while the store is open.
        await journal.close();
        // The sets' background taps store the last operations' events before their plugins
        // close; what is still pending is sent after the next start.
        await current.close();
        await deliveries.close();
        // Pending lastUsedAt values and audit events are written before the database goes.
        await apiKeys.close();
        await audit.flush();
        await store.destroy();
      })();
      return closing;
    },
  };
}

import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type Koa from 'koa';
import type { HostConfig } from './config/config-schema.js';
import { EnvironmentService } from './environments/environment-service.js';
import { createHostHooks, type HostHooks } from './hooks/host-hooks.js';
import { createApp } from './http/create-app.js';
import { healthRoutes } from './http/health-routes.js';
import { defaultWebRoot } from './http/web-ui.js';
import type { RequestState } from './http/request-state.js';
import { createLogger, type Logger } from './logger.js';
import type { PluginDefinition } from './plugins/define-plugin.js';
import { loadPlugins, type PluginSet } from './plugins/plugin-loader.js';
import { openStore, type Store } from './store/open-store.js';
import packageJson from '../package.json' with { type: 'json' };

export interface HostOptions {
  readonly config: HostConfig;
  /** Folder of the config file; relative paths in the config resolve against it. */
  readonly configDir: string;
  /** Built-in plugins by id. */
  readonly builtins: Readonly<Record<string, PluginDefinition>>;
  readonly log?: Logger;
  /** Folder of the built web UI; `dist/web` of this package by default. */
  readonly webRoot?: string;
}

/** A running host: its parts, for the process entry and for tests. */
export interface Host {
  readonly app: Koa<RequestState>;
  readonly hooks: HostHooks;
  readonly store: Store;
  readonly plugins: PluginSet;
  readonly environments: EnvironmentService;
  readonly log: Logger;
  readonly dataDir: string;
  /** Starts the HTTP server on the configured host and port (0 = any free port). */
  listen(): Promise<{ url: string; port: number }>;
  /** Stops accepting, lets requests in flight finish (bounded), then closes plugins and store. */
  close(): Promise<void>;
}

/** Assembles the host: store and migrations, hooks, plugins, domain services and routes. */
export async function createHost(options: HostOptions): Promise<Host> {
  const { config, configDir } = options;
  const log = options.log ?? createLogger({ level: config.log.level });
  const dataDir = resolve(configDir, config.dataDir);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const store = await openStore(config.database, configDir, dataDir);
  const hooks = createHostHooks();
  let plugins: PluginSet;
  try {
    plugins = await loadPlugins({
      entries: config.plugins,
      builtins: options.builtins,
      hooks,
      timeouts: config.hooks.timeoutMs,
      configDir,
      dataDir,
      log,
      host: { version: packageJson.version },
    });
  } catch (err) {
    await store.destroy();
    throw err;
  }
  const environments = new EnvironmentService(store);
  await environments.ensureDefault();

  const app = createApp({
    log,
    hooks,
    trustProxy: config.server.trustProxy,
    routers: [healthRoutes(store)],
    webRoot: options.webRoot ?? defaultWebRoot(),
  });

  let server: Server | null = null;
  let closing: Promise<void> | null = null;

  const stopServer = async (running: Server) => {
    const closed = new Promise<void>((done) => running.close(() => done()));
    running.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((done) => {
      timer = setTimeout(() => {
        log.warn({}, 'requests still running at the shutdown deadline; closing their connections');
        running.closeAllConnections();
        done();
      }, config.server.shutdownTimeoutMs);
    });
    await Promise.race([closed, deadline]);
    clearTimeout(timer);
  };

  return {
    app,
    hooks,
    store,
    plugins,
    environments,
    log,
    dataDir,
    listen: () =>
      new Promise((done, fail) => {
        const created = createServer(app.callback());
        server = created;
        created.once('error', fail);
        created.listen(config.server.port, config.server.host, () => {
          const { port } = created.address() as AddressInfo;
          const shownHost = config.server.host === '0.0.0.0' || config.server.host === '::' ? '127.0.0.1' : config.server.host;
          done({ url: `http://${shownHost}:${port}`, port });
        });
      }),
    close: () => {
      closing ??= (async () => {
        if (server) await stopServer(server);
        await plugins.close();
        await store.destroy();
      })();
      return closing;
    },
  };
}

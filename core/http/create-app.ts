import Router from '@koa/router';
import Koa from 'koa';
import type { HostHooks } from '../hooks/host-hooks.js';
import type { Logger } from '../logger.js';
import { principalOf } from './authorize.js';
import { errorMapper } from './error-mapper.js';
import { requestId } from './request-id.js';
import type { RequestState } from './request-state.js';
import { webUi } from './web-ui.js';

export interface AppOptions {
  readonly log: Logger;
  readonly hooks: HostHooks;
  /** Honour X-Forwarded-For for the client address (behind a trusted proxy only). */
  readonly trustProxy: boolean;
  /** The routers of the host's areas, mounted in this order. */
  readonly routers: readonly Router<RequestState>[];
  /** Folder of the built web UI, served outside `/api/` after the routes; none when absent. */
  readonly webRoot?: string;
}

/** Logs one line per request: no headers, no body (they may hold credentials). */
function accessLog(log: Logger): Koa.Middleware<RequestState> {
  return async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      log.info(
        { requestId: ctx.state.requestId, method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(performance.now() - started), ip: ctx.ip },
        'request',
      );
    }
  };
}

/**
 * API answers hold credentials (a session token, a new key) and private state: no browser or
 * proxy may keep a copy. Set before the answer is known, so error answers carry it too.
 */
const noStore: Koa.Middleware<RequestState> = async (ctx, next) => {
  if (ctx.path.startsWith('/api/')) ctx.set('Cache-Control', 'no-store');
  await next();
};

/**
 * Builds the Koa app: request id, access log, no-store for the API, error mapper,
 * authentication, the routes, then the web UI. Bodies are read by the routes' guards once the
 * caller is allowed (`readBody`), never before authentication.
 */
export function createApp(options: AppOptions): Koa<RequestState> {
  const app = new Koa<RequestState>({ proxy: options.trustProxy });
  // The error mapper answers every error; Koa's own handler would print stacks to stderr.
  app.silent = true;
  app.use(requestId());
  app.use(accessLog(options.log));
  app.use(noStore);
  app.use(errorMapper(options.log));
  // Every API request runs the authenticate hook, so the routes only check what it found.
  app.use(async (ctx, next) => {
    if (ctx.path.startsWith('/api/')) await principalOf(ctx, options.hooks);
    await next();
  });
  for (const router of options.routers) {
    app.use(router.routes());
    app.use(router.allowedMethods());
  }
  if (options.webRoot !== undefined) app.use(webUi(options.webRoot));
  return app;
}

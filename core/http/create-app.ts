import Koa from 'koa';
import type { HostHooks } from '../hooks/host-hooks.js';
import type { Logger } from '../logger.js';
import { principalOf } from './authorize.js';
import { answerError, refuseUnrouted } from './error-mapper.js';
import { assignRequestId } from './request-id.js';
import type { RequestState } from './request-state.js';
import type { RoutesMiddleware } from './route-table.js';
import { webUi } from './web-ui.js';

export interface AppOptions {
  readonly log: Logger;
  readonly hooks: HostHooks;
  /** Honour X-Forwarded-For for the client address (behind a trusted proxy only). */
  readonly trustProxy: boolean;
  /**
   * Middleware around every request, outside its frame: they see each final answer, errors
   * included (the metrics), and never answer themselves.
   */
  readonly observers?: readonly Koa.Middleware<RequestState>[];
  /** The host's routes (`mountRoutes`). */
  readonly routes: RoutesMiddleware;
  /** Folder of the built web UI, served outside `/api/` after the routes; none when absent. */
  readonly webRoot?: string;
}

/**
 * The frame of every request, in one middleware because every request passes it: its id, the
 * answer to whatever it throws (`answerError`), and one access log line, with no headers and no
 * body (they may hold credentials).
 */
function requestFrame(log: Logger): Koa.Middleware<RequestState> {
  return async (ctx, next) => {
    const started = performance.now();
    assignRequestId(ctx);
    try {
      await next();
      refuseUnrouted(ctx);
    } catch (thrown) {
      answerError(ctx, thrown, log);
    } finally {
      log.info({ requestId: ctx.state.requestId, method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(performance.now() - started), ip: ctx.ip }, 'request');
    }
  };
}

/**
 * API answers hold credentials (a session token, a new key) and private state: no browser or
 * proxy may keep a copy. Set before the answer is known, so error answers carry it too.
 */
const noStore: Koa.Middleware<RequestState> = (ctx, next) => {
  if (ctx.path.startsWith('/api/')) ctx.set('Cache-Control', 'no-store');
  return next();
};

/** Runs the `authenticate` hook for every API request, so the routes only check what it found. */
function authenticateApiRequests(hooks: HostHooks): Koa.Middleware<RequestState> {
  return (ctx, next) => (ctx.path.startsWith('/api/') ? principalOf(ctx, hooks).then(() => next()) : next());
}

/**
 * Builds the Koa app: the request frame, no-store for the API, authentication, the routes, then
 * the web UI. Bodies are read once the caller is allowed (`readBody`), never before.
 */
export function createApp(options: AppOptions): Koa<RequestState> {
  const app = new Koa<RequestState>({ proxy: options.trustProxy });
  // The request frame answers every error; Koa's own handler would print stacks to stderr.
  app.silent = true;
  for (const observer of options.observers ?? []) app.use(observer);
  app.use(requestFrame(options.log));
  app.use(noStore);
  app.use(authenticateApiRequests(options.hooks));
  app.use(options.routes);
  if (options.webRoot !== undefined) app.use(webUi(options.webRoot));
  return app;
}

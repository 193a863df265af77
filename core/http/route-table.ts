import Router from '@koa/router';
import type { Middleware } from 'koa';
import type { z } from 'zod';
import type { HostHooks } from '../hooks/host-hooks.js';
import { parseBody, parseQuery } from '../request-schema.js';
import { requireUser } from './authorize.js';
import type { AppContext, RequestState } from './request-state.js';

/**
 * Who may call a route: anyone, a signed-in user (API keys refused), an API key holding a
 * hook permission (signed-in users too), or any caller the host authenticated, whose right to
 * the resource the route judges itself (an operation is its starter's). Hook routes check their
 * permission themselves, so that a refusal is audited like any other hook call.
 */
export type RouteAuth =
  | { readonly kind: 'none' }
  | { readonly kind: 'user' }
  | { readonly kind: 'apiKey'; readonly permission: string }
  | { readonly kind: 'caller' };

/** One answer a route gives, for the OpenAPI document. */
export interface RouteAnswer {
  readonly description: string;
  /** The answer's media type when it is not JSON. */
  readonly contentType?: string;
}

/** The request's input, parsed (and refused with a 400) by the route's own schemas when read. */
export interface RouteInput<Body, Query> {
  body(): Body;
  query(): Query;
}

/**
 * One route the host serves: what the router mounts and what `GET /api/openapi.json` describes,
 * declared once. Adding a route is adding one `defineRoute({...})` to an area's list (see
 * `core/http/routes/`) and that list to the host's route table (`host.ts`); a route mounted any
 * other way is missing from the document, and the OpenAPI test fails.
 */
export interface RouteDefinition {
  readonly method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Koa path (`/api/deployments/:id`). */
  readonly path: string;
  /** One line for the document. */
  readonly summary: string;
  /** The area it belongs to (the document's tag). */
  readonly tag: string;
  readonly auth: RouteAuth;
  readonly body?: z.ZodType;
  /** An object schema of the query parameters. */
  readonly query?: z.ZodType;
  /** The main answers by status. */
  readonly answers: Readonly<Record<number, RouteAnswer | string>>;
  /** Koa handler; guards of `auth: user` ran before it. */
  readonly handle: Middleware<RequestState>;
}

/** What `defineRoute` takes: a definition whose handler gets the input typed by its schemas. */
export interface RouteSpec<Body extends z.ZodType, Query extends z.ZodType> extends Omit<RouteDefinition, 'handle' | 'body' | 'query'> {
  readonly body?: Body;
  readonly query?: Query;
  handle(ctx: AppContext, input: RouteInput<z.output<Body>, z.output<Query>>): Promise<void> | void;
}

/** A route whose handler reads its input through its own schemas (`input.body()`, `input.query()`). */
export function defineRoute<Body extends z.ZodType = z.ZodType<undefined>, Query extends z.ZodType = z.ZodType<undefined>>(
  spec: RouteSpec<Body, Query>,
): RouteDefinition {
  const { body, query } = spec;
  return {
    ...spec,
    handle: async (ctx) => {
      await spec.handle(ctx, new RequestInput(ctx, body, query));
    },
  };
}

/**
 * A request's input read through a route's schemas. A class rather than an object of closures:
 * one is made for every request, and run from source each closure would get a name set on it.
 */
class RequestInput<Body extends z.ZodType, Query extends z.ZodType> implements RouteInput<z.output<Body>, z.output<Query>> {
  readonly #ctx: AppContext;
  readonly #body: Body | undefined;
  readonly #query: Query | undefined;

  constructor(ctx: AppContext, body: Body | undefined, query: Query | undefined) {
    this.#ctx = ctx;
    this.#body = body;
    this.#query = query;
  }

  body(): z.output<Body> {
    return (this.#body === undefined ? undefined : parseBody(this.#body, this.#ctx.request.body)) as z.output<Body>;
  }

  query(): z.output<Query> {
    return (this.#query === undefined ? undefined : parseQuery(this.#query, this.#ctx.query)) as z.output<Query>;
  }
}

/** The app's middleware that serves routes (the context is the router's). */
export type RoutesMiddleware = ReturnType<Router<RequestState>['routes']>;

/** A router as the app mounts it: its routes, then its answers to other methods (405, OPTIONS). */
export function serveRouter(router: Router<RequestState>): RoutesMiddleware {
  const routes = router.routes();
  const allowedMethods = router.allowedMethods();
  // Koa would hand both the same context; only their declared types differ.
  return (ctx, next) => routes(ctx, () => allowedMethods(ctx as Parameters<typeof allowedMethods>[0], next));
}

/**
 * The part of a path that picks its router: `/api/<area>`, or the first segment outside the
 * API (`/metrics`). In lower case, as routes match in any case.
 */
function areaOf(path: string): string {
  const second = path.indexOf('/', 1);
  const first = (second === -1 ? path : path.slice(0, second)).toLowerCase();
  if (first !== '/api' || second === -1) return first;
  const third = path.indexOf('/', second + 1);
  return (third === -1 ? path : path.slice(0, third)).toLowerCase();
}

/**
 * Serves `routes`, with the guard each route's `auth` asks for: one router per area, picked by
 * the path, so a request is matched against its area's few routes instead of the whole table.
 */
export function mountRoutes(routes: readonly RouteDefinition[], hooks: HostHooks): RoutesMiddleware & { readonly routers: readonly Router<RequestState>[] } {
  const signedIn = requireUser(hooks);
  const routers = new Map<string, Router<RequestState>>();
  for (const route of routes) {
    const area = areaOf(route.path);
    if (area.includes(':')) throw new Error(`route ${route.path}: its area (${area}) must be fixed text`);
    let router = routers.get(area);
    if (router === undefined) routers.set(area, (router = new Router<RequestState>()));
    if (route.auth.kind === 'user') router[route.method](route.path, signedIn, route.handle);
    else router[route.method](route.path, route.handle);
  }
  const served = new Map([...routers].map(([area, router]) => [area, serveRouter(router)]));
  const dispatch: RoutesMiddleware = (ctx, next) => (served.get(areaOf(ctx.path)) ?? next)(ctx, next);
  // The routers stay readable, as a router mounted on its own is (`middleware.router`).
  return Object.assign(dispatch, { routers: [...routers.values()] });
}

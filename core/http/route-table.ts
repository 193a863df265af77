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
      await spec.handle(ctx, {
        body: () => (body === undefined ? undefined : parseBody(body, ctx.request.body)) as z.output<Body>,
        query: () => (query === undefined ? undefined : parseQuery(query, ctx.query)) as z.output<Query>,
      });
    },
  };
}

/** One router serving `routes`, with the guard each route's `auth` asks for. */
export function mountRoutes(routes: readonly RouteDefinition[], hooks: HostHooks): Router<RequestState> {
  const router = new Router<RequestState>();
  const signedIn = requireUser(hooks);
  for (const route of routes) {
    if (route.auth.kind === 'user') router[route.method](route.path, signedIn, route.handle);
    else router[route.method](route.path, route.handle);
  }
  return router;
}

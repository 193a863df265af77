import type Router from '@koa/router';
import type Koa from 'koa';

/** One route the host serves: a method and a path pattern with its parameter names. */
export interface ServedRoute {
  readonly method: string;
  /** As registered, e.g. `/api/api-keys/:id`. */
  readonly path: string;
  readonly params: readonly string[];
}

interface RouterLayer {
  readonly path: string | RegExp;
  readonly methods: readonly string[];
  readonly paramNames: ReadonlyArray<{ readonly name: string | number }>;
}

/**
 * Every route mounted on the app, read from the routers' own tables: a test that walks this
 * list covers an endpoint the day it is added, without anyone updating the test.
 */
export function servedRoutes(app: Koa): ServedRoute[] {
  const routes: ServedRoute[] = [];
  // A router mounted on its own, or the routers of a route table (`mountRoutes`).
  const mounted = app.middleware.flatMap((middleware) => {
    const { router, routers } = middleware as { router?: Router; routers?: readonly Router[] };
    return router ? [router] : (routers ?? []);
  });
  for (const router of mounted) {
    for (const layer of router.stack as unknown as RouterLayer[]) {
      if (typeof layer.path !== 'string') continue;
      for (const method of layer.methods) {
        // HEAD rides along with GET; it is asked as such elsewhere.
        if (method === 'HEAD') continue;
        routes.push({ method, path: layer.path, params: layer.paramNames.map((p) => String(p.name)) });
      }
    }
  }
  return routes;
}

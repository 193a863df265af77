import Router from '@koa/router';
import { createHash, timingSafeEqual } from 'node:crypto';
import { AuthenticationError, NotFoundError } from '../../errors.js';
import type { HostMetrics } from '../../metrics/host-metrics.js';
import type { RequestState } from '../request-state.js';

export interface MetricsSettings {
  readonly enabled: boolean;
  /** Empty: no authentication. */
  readonly token: string;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Whether the request's `Authorization` header is `Bearer <token>`. Both sides are hashed first,
 * so the comparison takes the same time whatever was sent and however long it is.
 */
function presentsToken(header: string | undefined, expected: Buffer): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  // No header hashes '' like any other wrong token: the configured token is never empty here.
  return timingSafeEqual(digest(match?.[1] ?? ''), expected);
}

/**
 * `GET /metrics`: every series of the host in the Prometheus text format 0.0.4; with
 * `metrics.token` set, only for `Authorization: Bearer <token>`. Disabled, the path is a 404 like
 * any other unknown path (the web UI would otherwise answer it).
 */
export function metricsRoutes(metrics: HostMetrics, settings: MetricsSettings): Router<RequestState> {
  const router = new Router<RequestState>();
  const expected = settings.token === '' ? null : digest(settings.token);
  router.get('/metrics', async (ctx) => {
    if (!settings.enabled) throw new NotFoundError(`No route for ${ctx.method} ${ctx.path}.`);
    if (expected !== null && !presentsToken(ctx.get('authorization'), expected)) {
      metrics.metricsTokenRefused();
      throw new AuthenticationError('The metrics token is missing or wrong: send Authorization: Bearer <metrics.token>.', {
        code: 'METRICS_TOKEN',
        headers: { 'WWW-Authenticate': 'Bearer realm="rsgo metrics"' },
      });
    }
    const text = await metrics.text();
    ctx.type = metrics.registry.contentType;
    ctx.body = text;
  });
  return router;
}

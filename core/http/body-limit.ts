import type { Middleware } from 'koa';
import { koaBody } from 'koa-body';
import { PayloadTooLargeError } from '../errors.js';
import type { RequestState } from './request-state.js';

/** The largest request body the host reads. */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Refuses a body over the limit before reading it (declared length), then parses JSON with the
 * same limit for bodies sent without a length.
 */
export function bodyParser(): Middleware<RequestState> {
  const parse = koaBody({
    jsonLimit: MAX_BODY_BYTES,
    formLimit: MAX_BODY_BYTES,
    textLimit: MAX_BODY_BYTES,
    multipart: false,
    urlencoded: false,
    text: false,
  }) as Middleware<RequestState>;
  return (ctx, next) => {
    if (Number(ctx.get('content-length') || 0) > MAX_BODY_BYTES) {
      throw new PayloadTooLargeError('Request body is larger than the 1 MiB limit.');
    }
    return parse(ctx, next);
  };
}

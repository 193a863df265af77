import type { Middleware } from 'koa';
import { koaBody } from 'koa-body';
import { PayloadTooLargeError } from '../errors.js';
import type { AppContext, RequestState } from './request-state.js';

/** The largest request body the host reads. */
export const MAX_BODY_BYTES = 1024 * 1024;

const parse = koaBody({
  jsonLimit: MAX_BODY_BYTES,
  formLimit: MAX_BODY_BYTES,
  textLimit: MAX_BODY_BYTES,
  multipart: false,
  urlencoded: false,
  text: false,
}) as Middleware<RequestState>;

const read = new WeakSet<AppContext>();

/**
 * Reads the request body into `ctx.request.body`, once per request. It is called only once the
 * caller is known to be allowed (the guards of `authorize.ts`, or a public route itself): a
 * stranger's body is never read, so a client that sends one slowly holds the host for no longer
 * than its headers took. A body over the limit is refused before reading it (declared length),
 * and JSON is parsed with the same limit for bodies sent without a length.
 */
export async function readBody(ctx: AppContext): Promise<void> {
  if (read.has(ctx)) return;
  read.add(ctx);
  if (Number(ctx.get('content-length') || 0) > MAX_BODY_BYTES) {
    throw new PayloadTooLargeError('Request body is larger than the 1 MiB limit.');
  }
  await parse(ctx, async () => undefined);
}

import { HostError, InputError, MethodNotAllowedError, NotFoundError, PayloadTooLargeError, PluginError, errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import { toHostError } from '../to-host-error.js';
import type { AppContext } from './request-state.js';

/**
 * Says where a body stopped being JSON, never what it held: the parser's own message quotes the
 * text around the mistake, and a pipeline that forgets the quotes around `"password": $SECRET`
 * would see its secret echoed in the answer and written to the log.
 */
function malformedJsonMessage(err: unknown): string {
  const position = /at position (\d+)/.exec(errorMessage(err))?.[1];
  return position === undefined ? 'Malformed JSON in request body.' : `Malformed JSON in request body at position ${position}.`;
}

/** Maps errors thrown by body parsing and routing libraries (http-errors) to our classes. */
export function fromHttpError(err: unknown): HostError | null {
  if (err === null || typeof err !== 'object' || err instanceof HostError) return null;
  const status = (err as { status?: unknown }).status ?? (err as { statusCode?: unknown }).statusCode;
  if (typeof status !== 'number' || status >= 500) return null;
  const type = (err as { type?: unknown }).type;
  if (status === 413) return new PayloadTooLargeError('Request body is larger than the 1 MiB limit.', { cause: err });
  if (status === 400 && (type === 'entity.parse.failed' || err instanceof SyntaxError)) {
    return new InputError(malformedJsonMessage(err), { code: 'INVALID_JSON', cause: err });
  }
  if (status === 404) return new NotFoundError(errorMessage(err), { cause: err });
  return new InputError(errorMessage(err), { cause: err });
}

/**
 * The routers answer an unknown path, a method a path does not take (405) and a method they do
 * not know at all (501) with a bare status; every error must carry the error body.
 * @throws NotFoundError or MethodNotAllowedError for such an answer.
 */
export function refuseUnrouted(ctx: AppContext): void {
  if (ctx.body !== undefined && ctx.body !== null) return;
  if (ctx.status === 404) throw new NotFoundError(`No route for ${ctx.method} ${ctx.path}.`);
  if (ctx.status === 405 || ctx.status === 501) {
    throw new MethodNotAllowedError(`Method ${ctx.method} is not allowed on ${ctx.path}. Allowed: ${ctx.response.get('Allow') || 'none'}.`);
  }
}

/** An error as the client gets it. */
export interface ErrorAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: { readonly success: false; readonly message: string; readonly code: string; readonly requestId: string } & Readonly<Record<string, unknown>>;
}

/** Whether `fields` has no field of its own to add. */
const hasNone = (fields: object): boolean => {
  // A loop, not Object.keys: no array for the common empty case.
  for (const _ in fields) return false;
  return true;
};

/**
 * The one place errors become answers: `{success:false, message, code, requestId}`. A 5xx
 * shows a generic message unless the error is safe to show; the full error goes to the log
 * under the request id.
 */
export function errorAnswer(thrown: unknown, requestId: string, log: Logger): ErrorAnswer {
  const err = fromHttpError(thrown) ?? toHostError(thrown);
  if (err.status >= 500) {
    const cause = err.cause instanceof Error ? { message: err.cause.message, stack: err.cause.stack } : err.cause;
    // A plugin's failure names the plugin and the hook, so operators know whom to blame.
    const culprit = err instanceof PluginError ? { plugin: err.plugin, hook: err.hook } : {};
    log.error({ requestId, code: err.code, ...culprit, err: { message: err.message, stack: err.stack }, cause }, 'request failed');
  } else {
    log.debug({ requestId, code: err.code, message: err.message }, 'request rejected');
  }
  const message = err.expose ? err.message : `Internal server error (request ${requestId}).`;
  // Most errors have no fields: their body is written out, not spread. On Node 20 every field
  // defined after a spread gives the object a shape of its own, slow to build and to serialize.
  const fields = err.expose ? err.fields : {};
  const body = hasNone(fields) ? { success: false as const, message, code: err.code, requestId } : { ...fields, success: false as const, message, code: err.code, requestId };
  return { status: err.status, headers: err.headers, body };
}

/** Answers the request with {@link errorAnswer}. */
export function answerError(ctx: AppContext, thrown: unknown, log: Logger): void {
  const answer = errorAnswer(thrown, ctx.state.requestId, log);
  ctx.status = answer.status;
  for (const name in answer.headers) ctx.set(name, answer.headers[name] ?? '');
  // Refused before its body arrived: the connection closes after the answer, so the host does
  // not wait for the rest of a body it will never read.
  if (!ctx.req.complete) ctx.set('Connection', 'close');
  ctx.body = answer.body;
}

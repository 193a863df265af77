import { PassThrough } from 'node:stream';
import type { AppContext } from './request-state.js';

/** How often an idle stream sends a comment, so that proxies keep the connection open. */
const KEEP_ALIVE_MS = 15_000;

/** An open `text/event-stream` answer. */
export interface EventStream {
  /** Sends one event with `data` as JSON. */
  send(event: string, data: unknown): void;
  /** Aborts when the client leaves (or the answer ends). */
  readonly closed: AbortSignal;
  end(): void;
}

/** Answers the request with a `text/event-stream` (no buffering by proxies) and returns it. */
export function openEventStream(ctx: AppContext): EventStream {
  const body = new PassThrough();
  const closed = new AbortController();
  const keepAlive = setInterval(() => body.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
  const end = () => {
    clearInterval(keepAlive);
    closed.abort(new Error('the client left'));
    body.end();
  };
  // The response closes when the client goes away (the request's 'close' comes once its body was read).
  ctx.res.once('close', end);
  ctx.status = 200;
  ctx.type = 'text/event-stream';
  ctx.set('X-Accel-Buffering', 'no');
  // The connection ends with the stream: a stopping host then has no idle connection to wait for.
  ctx.set('Connection', 'close');
  ctx.body = body;
  body.write(': open\n\n');
  return {
    send: (event, data) => {
      if (!closed.signal.aborted) body.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    closed: closed.signal,
    end,
  };
}

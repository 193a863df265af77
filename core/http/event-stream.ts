import { PassThrough } from 'node:stream';
import type { OperationEvent } from '../operations/operation-record.js';
import type { AppContext } from './request-state.js';

/** A comment line this often keeps proxies from closing a quiet stream. */
const KEEP_ALIVE_MS = 15_000;

/**
 * Each event's frame is built once, however many followers it goes to: the JSON of its data is
 * the cost of an event, and one operation may have a hundred followers.
 */
const frames = new WeakMap<OperationEvent, string>();

export function eventFrame(event: OperationEvent): string {
  let frame = frames.get(event);
  if (frame === undefined) {
    frame = `id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;
    frames.set(event, frame);
  }
  return frame;
}

/** An open `text/event-stream` answer. */
export interface EventStream {
  /** Writes events in order; a `done` event ends the stream. */
  send(events: readonly OperationEvent[]): void;
  /** Ends the stream without `done`: the client reconnects with the last id it got. */
  end(): void;
  readonly closed: boolean;
  /** Called once, when the stream ended or the client left. */
  onClose(listener: () => void): void;
}

/**
 * The event streams one host has open, so that a stopping host can end them: a follower would
 * otherwise hold its connection until the shutdown deadline. Its client reconnects with the
 * last id it got (to another host, or to this one once it is back).
 */
export class EventStreams {
  readonly #open = new Set<EventStream>();

  /** Answers the request with an event stream (Server-Sent Events) that the caller fills. */
  open(ctx: AppContext): EventStream {
    const stream = openEventStream(ctx);
    this.#open.add(stream);
    stream.onClose(() => this.#open.delete(stream));
    return stream;
  }

  endAll(): void {
    for (const stream of this.#open) stream.end();
  }
}

function openEventStream(ctx: AppContext): EventStream {
  const body = new PassThrough();
  ctx.status = 200;
  ctx.type = 'text/event-stream';
  // Proxies (nginx) would hold the events back in their buffers otherwise.
  ctx.set('X-Accel-Buffering', 'no');
  ctx.body = body;
  let closed = false;
  const listeners: Array<() => void> = [];
  const keepAlive = setInterval(() => body.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(keepAlive);
    for (const listener of listeners) listener();
  };
  ctx.res.once('close', close);
  return {
    get closed() {
      return closed;
    },
    send(events) {
      if (closed) return;
      for (const event of events) {
        body.write(eventFrame(event));
        if (event.type === 'done') {
          body.end();
          close();
          return;
        }
      }
    },
    end() {
      body.end();
      close();
    },
    onClose: (listener) => listeners.push(listener),
  };
}

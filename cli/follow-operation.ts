import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { HostAnswerError, HostUnreachableError, type HostAnswer, type HostClient } from './host-client.js';
import { backoffDelay, isRetryableStatus, type RetryPolicy } from './retry-policy.js';

const SILENCE_MS = 60_000;

/** A step of the operation, as the host's `progress` events carry it. */
export interface OperationStep {
  readonly service: string | null;
  readonly step: string;
  readonly message: string;
}

/** A line a container wrote while it started, as the host's `log` events carry it. */
export interface OperationOutput {
  readonly service: string;
  readonly line: string;
}

export interface FollowOperationOptions {
  /** The operation's `eventsUrl` (a path on the host). */
  readonly eventsPath: string;
  /** Headers of every request (the API key). */
  readonly headers: Readonly<Record<string, string>>;
  /** How often a dropped stream is opened again before giving up. */
  readonly policy: RetryPolicy;
  readonly onStep: (step: OperationStep) => void;
  readonly onOutput: (output: OperationOutput) => void;
  /** Told before the stream is opened again. */
  readonly onReconnect?: (reason: string, delayMs: number) => void;
}

/** One opened stream: the events it gave, and whether `done` was among them. */
type StreamEnd = { readonly done: HostAnswer } | { readonly dropped: string };

/** Reads the event stream from after `lastId` until it ends; `onEvent` gets each event. */
function readStream(client: HostClient, options: FollowOperationOptions, lastId: number, onEvent: (id: number, type: string, data: unknown) => void): Promise<StreamEnd> {
  const url = client.urlOf(options.eventsPath);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const headers = { accept: 'text/event-stream', ...options.headers, ...(lastId > 0 ? { 'last-event-id': String(lastId) } : {}) };
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, agent: false }, (res: IncomingMessage) => {
      if (res.statusCode !== 200) {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          let body: Record<string, unknown> = {};
          try {
            body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
          } catch {
            // not JSON: the status says enough
          }
          const answer: HostAnswer = { status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: res.headers, body };
          if (isRetryableStatus(answer.status)) resolve({ dropped: `HTTP ${answer.status}` });
          else reject(new HostAnswerError(answer));
        });
        return;
      }
      let buffer = '';
      let done: HostAnswer | null = null;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields = new Map<string, string>();
          for (const line of frame.split('\n')) if (!line.startsWith(':') && line.includes(':')) fields.set(line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trimStart());
          const type = fields.get('event');
          if (type === undefined) continue;
          const data = JSON.parse(fields.get('data') ?? 'null') as Record<string, unknown>;
          onEvent(Number(fields.get('id')), type, data);
          if (type === 'done') {
            done = { status: Number(data['httpStatus']), statusText: '', headers: {}, body: (data['result'] ?? {}) as Record<string, unknown> };
          }
        }
      });
      res.on('end', () => resolve(done ? { done } : { dropped: 'the event stream ended early' }));
      res.on('error', (err) => resolve({ dropped: err.message }));
    });
    // The host sends a keep-alive comment every 15 s: silence for longer is a dead connection.
    req.setTimeout(SILENCE_MS, () => req.destroy(new Error(`nothing received for ${SILENCE_MS / 1000} s`)));
    req.on('error', (err) => resolve({ dropped: err.message }));
    req.end();
  });
}

/**
 * Follows an operation's events (`GET /api/operations/:id/events`) until `done` and returns
 * the answer the synchronous call would have given. A dropped stream is opened again with
 * `Last-Event-ID` (no step is shown twice), with backoff; after `policy.attempts` drops in a row
 * without news, the operation is given up on as unreachable.
 */
export async function followOperation(client: HostClient, options: FollowOperationOptions): Promise<HostAnswer> {
  let lastId = 0;
  for (let failures = 0; ; ) {
    const before = lastId;
    const ended = await readStream(client, options, lastId, (id, type, data) => {
      lastId = id;
      if (type === 'progress') options.onStep(data as OperationStep);
      else if (type === 'log') options.onOutput(data as OperationOutput);
    });
    if ('done' in ended) return ended.done;
    failures = lastId > before ? 1 : failures + 1;
    if (failures >= options.policy.attempts) {
      throw new HostUnreachableError(`Lost the operation's event stream: ${ended.dropped}.`, 'response', 'ECONNRESET');
    }
    const delayMs = backoffDelay(failures, options.policy);
    options.onReconnect?.(ended.dropped, delayMs);
    await sleep(delayMs);
  }
}

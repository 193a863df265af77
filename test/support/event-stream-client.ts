import { request } from 'node:http';

/** One Server-Sent Event as a client sees it. */
export interface ReceivedEvent {
  readonly id: number;
  readonly event: string;
  readonly data: Record<string, unknown>;
}

/** What a stream gave until it ended or the client left. */
export interface ReceivedStream {
  readonly status: number;
  readonly contentType: string;
  readonly events: ReceivedEvent[];
  /** Whether the host ended the stream (rather than the client leaving). */
  readonly endedByHost: boolean;
}

/**
 * Reads `url` as an event stream until the host ends it, or until `enough` says the events so
 * far suffice (then the client disconnects, as a dropped connection would).
 */
export function readEventStream(url: string, headers: Readonly<Record<string, string>>, enough: (events: readonly ReceivedEvent[]) => boolean = () => false): Promise<ReceivedStream> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { headers: { accept: 'text/event-stream', ...headers }, agent: false }, (incoming) => {
      const events: ReceivedEvent[] = [];
      let buffer = '';
      let left = false;
      const done = (endedByHost: boolean) => resolve({ status: incoming.statusCode ?? 0, contentType: String(incoming.headers['content-type']), events, endedByHost });
      incoming.setEncoding('utf8');
      incoming.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while (!left && (end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields = new Map(frame.split('\n').filter((line) => !line.startsWith(':')).map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]));
          if (!fields.has('event')) continue;
          events.push({ id: Number(fields.get('id')), event: fields.get('event') ?? '', data: JSON.parse(fields.get('data') ?? 'null') as Record<string, unknown> });
          if (enough(events)) {
            left = true;
            outgoing.destroy();
            done(false);
          }
        }
      });
      incoming.on('end', () => left || done(true));
      incoming.on('error', (err) => left || reject(err));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

import type { RuntimeLogLine } from '../../core/plugin-api.js';

/** The stream a frame's first header byte names (1 stdout, 2 stderr). */
const streams: Readonly<Record<number, RuntimeLogLine['stream']>> = { 1: 'stdout', 2: 'stderr' };

/**
 * The lines of a container's log as the engine sends it without a TTY: each write framed by an
 * 8-byte header (stream, three zero bytes, big-endian length), each line prefixed with its
 * timestamp and a space. A frame may arrive split over several chunks.
 */
export async function* containerLogLines(source: Buffer | AsyncIterable<unknown>, service: string): AsyncIterable<RuntimeLogLine> {
  let pending: Buffer = Buffer.alloc(0);
  const chunks = Buffer.isBuffer(source) ? [source] : source;
  for await (const chunk of chunks) {
    pending = Buffer.concat([pending, Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk))]);
    let offset = 0;
    while (offset + 8 <= pending.length) {
      const length = pending.readUInt32BE(offset + 4);
      if (offset + 8 + length > pending.length) break;
      const stream = streams[pending[offset] ?? 0] ?? 'stdout';
      const text = pending.subarray(offset + 8, offset + 8 + length).toString('utf8');
      offset += 8 + length;
      for (const line of text.split('\n')) {
        if (line !== '') yield logLine(service, stream, line);
      }
    }
    pending = pending.subarray(offset);
  }
}

/** One timestamped line: the engine's RFC 3339 time (nanoseconds) becomes ISO-8601 in milliseconds. */
function logLine(service: string, stream: RuntimeLogLine['stream'], raw: string): RuntimeLogLine {
  const space = raw.indexOf(' ');
  const stamp = space > 0 ? new Date(raw.slice(0, space)) : null;
  const dated = stamp !== null && !Number.isNaN(stamp.getTime());
  return {
    service,
    stream,
    at: dated ? stamp.toISOString() : new Date().toISOString(),
    line: (dated ? raw.slice(space + 1) : raw).replace(/\r$/, ''),
  };
}

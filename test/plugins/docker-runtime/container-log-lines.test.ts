import test from 'ava';
import { containerLogLines } from '../../../plugins/docker-runtime/container-log-lines.js';

/** One frame as the engine sends it: stream byte, three zero bytes, big-endian length, payload. */
function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

async function collect(source: Buffer | AsyncIterable<unknown>) {
  const lines = [];
  for await (const line of containerLogLines(source, 'web')) lines.push(line);
  return lines;
}

test('frames become timestamped lines of stdout and stderr, also when a frame arrives in pieces', async (t) => {
  const raw = Buffer.concat([
    frame(1, '2026-12-07T09:12:01.204812345Z listening on :8080\n'),
    frame(2, '2026-12-07T09:12:03.9Z slow query – 812 ms\r\n'),
  ]);
  const expected = [
    { service: 'web', stream: 'stdout', at: '2026-12-07T09:12:01.204Z', line: 'listening on :8080' },
    { service: 'web', stream: 'stderr', at: '2026-12-07T09:12:03.900Z', line: 'slow query – 812 ms' },
  ];
  t.deepEqual(await collect(raw), expected);
  // Cut inside a header and inside a multi-byte character.
  const cuts = [5, 30, raw.indexOf(Buffer.from('–')) + 1, raw.length];
  const pieces = cuts.map((end, index) => raw.subarray(index === 0 ? 0 : cuts[index - 1], end));
  t.deepEqual(
    await collect(
      (async function* () {
        yield* pieces;
      })(),
    ),
    expected,
  );
});

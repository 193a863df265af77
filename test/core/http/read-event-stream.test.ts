import test from 'ava';
import { eventReader } from '../../../core/http/read-event-stream.js';

test('events are handed over whole, however the text arrives; comments and non-JSON data are skipped', (t) => {
  const seen: [string, unknown][] = [];
  const reader = eventReader((event, data) => seen.push([event, data]));
  reader.push(': open\n\nevent: log\nda');
  t.deepEqual(seen, []);
  reader.push('ta: {"line":"a"}\n\n: keep-alive\n\nevent: log\r\ndata: not json\r\n\r\nevent: error\ndata: {"message":"gone"}\n\n');
  t.deepEqual(seen, [
    ['log', { line: 'a' }],
    ['error', { message: 'gone' }],
  ]);
});

test("each event's id is handed over with it, to resume after it; an event without one has none", (t) => {
  const seen: [string, string | null][] = [];
  const reader = eventReader((event, _data, id) => seen.push([event, id]));
  reader.push('id: 7\nevent: progress\ndata: {"step":"pull"}\n\nevent: log\ndata: {"line":"x"}\n\n');
  t.deepEqual(seen, [
    ['progress', '7'],
    ['log', null],
  ]);
});

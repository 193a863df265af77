import test from 'ava';
import { createLogger } from '../../core/logger.js';

/** A logger at `level` whose lines are kept, parsed. */
function capture(level: 'debug' | 'info' = 'debug') {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger({ level, destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } });
  return { log, lines };
}

test('secret fields are censored at the top of a line and one level down; the rest is kept', (t) => {
  const { log, lines } = capture();
  log.info({ password: 'p', token: 't', apiKey: 'rsgo_k', fullKey: 'rsgo_f', secret: 's', user: { name: 'ann', password: 'p2' }, ms: 3 }, 'line');
  t.deepEqual(lines[0], {
    level: 30,
    time: lines[0]?.['time'],
    password: '[redacted]',
    token: '[redacted]',
    apiKey: '[redacted]',
    fullKey: '[redacted]',
    secret: '[redacted]',
    user: { name: 'ann', password: '[redacted]' },
    ms: 3,
    msg: 'line',
  });
});

test('credential headers are censored in a headers field, at the top and one level down', (t) => {
  const { log, lines } = capture();
  const headers = { 'x-api-key': 'rsgo_k', authorization: 'Bearer b', cookie: 'c=1', 'user-agent': 'curl' };
  log.warn({ headers, request: { path: '/api/hooks/redeploy', headers } });
  const expected = { 'x-api-key': '[redacted]', authorization: '[redacted]', cookie: '[redacted]', 'user-agent': 'curl' };
  t.deepEqual(lines[0]?.['headers'], expected);
  t.deepEqual(lines[0]?.['request'], { path: '/api/hooks/redeploy', headers: expected });
  // The caller's objects are copied, never changed.
  t.is(headers['x-api-key'], 'rsgo_k');
});

test("a child's bindings are censored, and its lines too", (t) => {
  const { log, lines } = capture();
  const child = log.child({ plugin: 'p', token: 't' });
  child.error({ secret: 's', step: 'pull' }, 'failed');
  t.like(lines[0], { plugin: 'p', token: '[redacted]', secret: '[redacted]', step: 'pull', msg: 'failed' });
});

test('a line without secrets is written as given, and lines below the level are not written', (t) => {
  const { log, lines } = capture('info');
  log.debug({ password: 'p' }, 'hidden');
  log.info({ requestId: 'r1', status: 400, nested: { deeper: { ok: true } } }, 'request');
  t.is(lines.length, 1);
  t.like(lines[0], { requestId: 'r1', status: 400, nested: { deeper: { ok: true } }, msg: 'request' });
});

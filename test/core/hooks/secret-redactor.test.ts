import test from 'ava';
import { DeploymentFailedError } from '../../../core/errors.js';
import { SecretRedactor } from '../../../core/hooks/secret-redactor.js';

test('every value is hidden wherever it occurs, a longer one whole, pattern characters taken literally', (t) => {
  const redactor = new SecretRedactor(['pa$$.w*rd', 'pa$$.w*rd-2026', '']);
  t.is(redactor.text('DB_PASSWORD=pa$$.w*rd-2026 OLD=pa$$.w*rd x=pa$$XwXrd'), 'DB_PASSWORD=******** OLD=******** x=pa$$XwXrd');
});

test('an error is hidden in place: message, stack, answer fields and its causes', (t) => {
  const cause = new Error('engine said: env DB_PASSWORD=s3cret');
  const failure = new DeploymentFailedError('exited. Last log lines: DB_PASSWORD=s3cret', { cause, fields: { logs: ['DB_PASSWORD=s3cret', 'ok'] } });

  t.is(new SecretRedactor(['s3cret']).error(failure), failure);

  t.is(failure.message, 'exited. Last log lines: DB_PASSWORD=********');
  t.false(failure.stack?.includes('s3cret'));
  t.deepEqual(failure.fields, { logs: ['DB_PASSWORD=********', 'ok'] });
  t.is(cause.message, 'engine said: env DB_PASSWORD=********');
});

test('log fields and messages are hidden at any depth', (t) => {
  const lines: Array<{ obj: object; msg: string | undefined }> = [];
  const sink = { debug: () => undefined, info: () => undefined, warn: (obj: object, msg?: string) => void lines.push({ obj, msg }), error: () => undefined, child: () => sink };
  new SecretRedactor(['s3cret']).logger(sink).warn({ reason: 'DB_PASSWORD=s3cret', nested: { list: ['s3cret'] } }, 'saw s3cret');
  t.deepEqual(lines, [{ obj: { reason: 'DB_PASSWORD=********', nested: { list: ['********'] } }, msg: 'saw ********' }]);
});

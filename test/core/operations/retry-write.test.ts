import test from 'ava';
import { retryWrite } from '../../../core/operations/retry-write.js';

/** A write that fails its first `failures` attempts; `attempts` counts them all. */
function flaky(failures: number) {
  const write = {
    attempts: 0,
    run: async () => {
      write.attempts += 1;
      if (write.attempts <= failures) throw new Error(`blip ${write.attempts}`);
    },
  };
  return write;
}

test('a write that fails for a moment is tried again and succeeds', async (t) => {
  const write = flaky(2);
  await retryWrite(write.run, [0, 0, 0]);
  t.is(write.attempts, 3);
});

test('a write that keeps failing is tried once per pause and once more, then its last failure is thrown', async (t) => {
  const write = flaky(Number.POSITIVE_INFINITY);
  await t.throwsAsync(retryWrite(write.run, [0, 0, 0]), { message: 'blip 4' });
  t.is(write.attempts, 4);
});

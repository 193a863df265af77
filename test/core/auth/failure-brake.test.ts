import test from 'ava';
import { FailureBrake } from '../../../core/auth/failure-brake.js';
import { TooManyRequestsError } from '../../../core/errors.js';

const clock = () => {
  let now = 1_000_000;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
};

test('the brake engages after maxFailures within the window and releases after the lockout', async (t) => {
  const time = clock();
  const brake = new FailureBrake({ maxFailures: 3, windowSeconds: 60, lockoutSeconds: 120 }, time.now, 0);
  t.false(brake.fail('10.0.0.1'));
  t.false(brake.fail('10.0.0.1'));
  await t.notThrowsAsync(brake.check('10.0.0.1'));
  t.true(brake.fail('10.0.0.1'), 'the third failure locks');
  const err = await t.throwsAsync(brake.check('10.0.0.1'), { instanceOf: TooManyRequestsError });
  t.is(err?.status, 429);
  t.is(err?.headers['Retry-After'], '120');
  time.advance(100_000);
  t.is((await t.throwsAsync(brake.check('10.0.0.1'), { instanceOf: TooManyRequestsError }))?.headers['Retry-After'], '20');
  time.advance(20_001);
  await t.notThrowsAsync(brake.check('10.0.0.1'));
});

test('failures spread wider than the window never lock', async (t) => {
  const time = clock();
  const brake = new FailureBrake({ maxFailures: 3, windowSeconds: 10, lockoutSeconds: 60 }, time.now, 0);
  for (let i = 0; i < 10; i++) {
    t.false(brake.fail('10.0.0.1'));
    time.advance(6_000);
  }
  await t.notThrowsAsync(brake.check('10.0.0.1'));
});

test('one locked client does not affect another', async (t) => {
  const brake = new FailureBrake({ maxFailures: 1, windowSeconds: 60, lockoutSeconds: 60 }, Date.now, 0);
  brake.fail('10.0.0.1');
  await t.throwsAsync(brake.check('10.0.0.1'));
  await t.notThrowsAsync(brake.check('10.0.0.2'));
});

test('a refusal is answered only after the refusal delay; an allowed client is not held', async (t) => {
  const brake = new FailureBrake({ maxFailures: 1, windowSeconds: 60, lockoutSeconds: 60 }, Date.now, 300);
  brake.fail('10.0.0.1');
  const started = performance.now();
  const refusal = t.throwsAsync(brake.check('10.0.0.1'), { instanceOf: TooManyRequestsError }).then(() => 'refused');
  const first = await Promise.race([refusal, brake.check('10.0.0.2').then(() => 'allowed')]);
  t.is(first, 'allowed', 'another client is let through while the locked one is held');
  await refusal;
  // A timer never fires early: a lower bound holds however busy the machine is.
  t.true(performance.now() - started >= 290, `refused after ${Math.round(performance.now() - started)} ms`);
});

test('memory stays bounded under a flood of addresses: the stalest are forgotten', (t) => {
  const brake = new FailureBrake({ maxFailures: 2, windowSeconds: 60, lockoutSeconds: 60 });
  const address = (i: number) => `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`;
  for (let i = 0; i < 25_000; i++) brake.fail(address(i));
  t.false(brake.fail(address(0)), 'the first address was forgotten: this is its first failure again');
  t.true(brake.fail(address(24_999)), 'the newest address is still tracked: its second failure locks');
});

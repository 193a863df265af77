import test from 'ava';
import { FailureBrake, type BrakeAttempt } from '../../../core/auth/failure-brake.js';
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

/** Starts `count` attempts at once; reports which were admitted so far and how the others ended. */
function burst(brake: FailureBrake, count: number, clients: readonly string[]) {
  const admitted: BrakeAttempt[] = [];
  const outcomes = Array.from({ length: count }, () =>
    brake.begin(clients).then(
      (attempt) => void admitted.push(attempt),
      (err: unknown) => err,
    ),
  );
  return { admitted, settled: Promise.all(outcomes) };
}

test('attempts count from the moment they are admitted: of a parallel burst of failures exactly maxFailures are judged', async (t) => {
  const brake = new FailureBrake({ maxFailures: 5, windowSeconds: 300, lockoutSeconds: 300 }, Date.now, 0);
  const { admitted, settled } = burst(brake, 50, ['address:10.0.0.1']);
  // Nobody settles yet: every admitted attempt is still being judged (a password hash takes its time).
  await new Promise((done) => setImmediate(done));
  t.is(admitted.length, 5, 'five are judged at once; the others wait for their verdicts');
  t.deepEqual(admitted.map((attempt) => attempt.failed()), [false, false, false, false, true], 'the fifth failure locks');
  const outcomes = await settled;
  t.is(admitted.length, 5, 'no other attempt was judged');
  t.is(outcomes.filter((outcome) => outcome instanceof TooManyRequestsError).length, 45, 'the waiting ones are refused');
});

test('a parallel burst of good attempts is served in full, at most maxFailures judged at a time', async (t) => {
  const brake = new FailureBrake({ maxFailures: 5, windowSeconds: 300, lockoutSeconds: 300 }, Date.now, 0);
  const { admitted, settled } = burst(brake, 50, ['address:10.0.0.1']);
  let released = 0;
  while (released < 50) {
    await new Promise((done) => setImmediate(done));
    const judged = admitted.length - released;
    t.true(judged <= 5, `${judged} judged at once`);
    for (const attempt of admitted.slice(released)) attempt.release();
    released = admitted.length;
  }
  t.deepEqual((await settled).filter((outcome) => outcome !== undefined), [], 'none was refused');
});

test('an attempt counts against every client it names: a user is braked whichever address tries it', async (t) => {
  const brake = new FailureBrake({ maxFailures: 2, windowSeconds: 300, lockoutSeconds: 300 }, Date.now, 0);
  (await brake.begin(['address:10.0.0.1', 'user:admin'])).failed();
  (await brake.begin(['address:10.0.0.2', 'user:admin'])).failed();
  await t.throwsAsync(brake.begin(['address:10.0.0.3', 'user:admin']), { instanceOf: TooManyRequestsError });
  await t.notThrowsAsync(brake.begin(['address:10.0.0.3', 'user:someone-else']));
});

test('a released attempt stops counting and is not a failure', async (t) => {
  const brake = new FailureBrake({ maxFailures: 2, windowSeconds: 300, lockoutSeconds: 300 }, Date.now, 0);
  for (let i = 0; i < 10; i++) (await brake.begin(['address:10.0.0.1'])).release();
  const attempt = await brake.begin(['address:10.0.0.1']);
  t.false(attempt.failed(), 'one failure after ten good attempts does not lock');
  t.throws(() => attempt.release(), { message: /settled once/ });
});

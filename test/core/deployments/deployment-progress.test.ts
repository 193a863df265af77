import test from 'ava';
import { DeploymentProgress } from '../../../core/deployments/deployment-progress.js';

const pull = (n: number) => ({ service: 'app', step: 'pull' as const, message: `line ${n}` });

test('an operation keeps its latest events up to the limit and counts the dropped ones', (t) => {
  const progress = new DeploymentProgress({ eventsPerOperation: 3, finishedOperations: 10 });
  const recorder = progress.begin('d1', 'deploy', 'req-1');
  for (let n = 1; n <= 5; n += 1) recorder.report(pull(n));
  const view = progress.view('d1');
  t.like(view, { operation: 'deploy', requestId: 'req-1', inProgress: true, dropped: 2, finishedAt: null });
  t.deepEqual(view?.events.map((e) => e.message), ['line 3', 'line 4', 'line 5']);
  t.deepEqual(progress.view('d1', view?.events[1]?.seq)?.events.map((e) => e.message), ['line 5']);

  recorder.finish();
  recorder.report(pull(6));
  t.like(progress.view('d1'), { inProgress: false, dropped: 2 });
  t.is(progress.view('d1')?.events.length, 3);
});

test('only so many finished operations are kept, the oldest go first; operations in flight stay', (t) => {
  const progress = new DeploymentProgress({ eventsPerOperation: 10, finishedOperations: 2 });
  const running = progress.begin('running', 'deploy', null);
  for (const id of ['a', 'b', 'c']) {
    const recorder = progress.begin(id, 'redeploy', null);
    recorder.report(pull(1));
    recorder.finish();
  }
  t.is(progress.view('a'), null);
  t.like(progress.view('b'), { operation: 'redeploy', inProgress: false });
  t.like(progress.view('c'), { operation: 'redeploy', inProgress: false });
  t.like(progress.view('running'), { inProgress: true });
  running.finish();
  t.is(progress.view('b'), null);
  t.like(progress.view('running'), { inProgress: false });
});

test('a new operation replaces the events of the one before, unless the same request started both', (t) => {
  const progress = new DeploymentProgress();
  const upgrade = progress.begin('d1', 'upgrade', 'req-1');
  upgrade.report(pull(1));
  upgrade.finish();
  const rollback = progress.begin('d1', 'rollback', 'req-1');
  rollback.report(pull(2));
  t.like(progress.view('d1'), { operation: 'rollback', inProgress: true });
  t.deepEqual(progress.view('d1')?.events.map((e) => e.message), ['line 1', 'line 2']);
  rollback.finish();

  const redeploy = progress.begin('d1', 'redeploy', 'req-2');
  redeploy.report(pull(3));
  const view = progress.view('d1');
  t.deepEqual(view?.events.map((e) => e.message), ['line 3']);
  // Sequence numbers never repeat, so a cursor from the earlier operation skips nothing new.
  t.true((view?.events[0]?.seq ?? 0) > 2);
});

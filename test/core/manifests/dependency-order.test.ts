import test from 'ava';
import { dependencyOrder, findDependencyCycle } from '../../../core/manifests/dependency-order.js';

test('A graph without cycles has none', (t) => {
  t.is(findDependencyCycle([{ name: 'web', dependsOn: ['db'] }, { name: 'db', dependsOn: [] }]), null);
});

test('A cycle is returned as a closed path', (t) => {
  const cycle = findDependencyCycle([
    { name: 'a', dependsOn: ['b'] },
    { name: 'b', dependsOn: ['c'] },
    { name: 'c', dependsOn: ['b'] },
  ]);
  t.deepEqual(cycle, ['b', 'c', 'b']);
});

test('Start order puts dependencies first and otherwise keeps manifest order', (t) => {
  t.deepEqual(
    dependencyOrder([
      { name: 'web', dependsOn: ['api'] },
      { name: 'api', dependsOn: ['db', 'cache'] },
      { name: 'worker', dependsOn: [] },
      { name: 'cache', dependsOn: [] },
      { name: 'db', dependsOn: [] },
    ]),
    ['db', 'cache', 'api', 'web', 'worker'],
  );
});

test('Start order refuses a cycle', (t) => {
  t.throws(() => dependencyOrder([{ name: 'a', dependsOn: ['a'] }]), { message: 'dependency cycle: a -> a' });
});

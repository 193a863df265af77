import test from 'ava';
import { productStackOrder } from '../../../core/deployments/product-stack-order.js';

const stack = (name: string, ...dependsOn: string[]) => ({ name, dependsOn });
const names = (stacks: readonly { name: string }[]) => stacks.map((s) => s.name);

test('stacks without dependencies keep the order written', (t) => {
  t.deepEqual(names(productStackOrder([stack('web'), stack('db'), stack('jobs')])), ['web', 'db', 'jobs']);
});

test('a stack comes after the stacks it depends on, the others keep their places', (t) => {
  t.deepEqual(names(productStackOrder([stack('business', 'infra'), stack('infra'), stack('reports', 'business')])), ['infra', 'business', 'reports']);
  t.deepEqual(names(productStackOrder([stack('ui', 'api'), stack('tools'), stack('api', 'db'), stack('db')])), ['db', 'api', 'ui', 'tools']);
});

test('stacks depending on each other in a cycle keep the order written', (t) => {
  t.deepEqual(names(productStackOrder([stack('a', 'b'), stack('b', 'a'), stack('c')])), ['a', 'b', 'c']);
});

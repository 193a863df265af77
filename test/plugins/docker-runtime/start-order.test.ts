import test from 'ava';
import { DeploymentFailedError } from '../../../core/plugin-api.js';
import { startOrder } from '../../../plugins/docker-runtime/start-order.js';
import { testPlan } from '../../support/test-plan.js';

const services = (deps: Record<string, string[]>) =>
  testPlan({ services: Object.fromEntries(Object.entries(deps).map(([name, dependsOn]) => [name, { image: 'x:1', dependsOn }])) }).services;

test('dependencies start first; otherwise plan order is kept', (t) => {
  const order = startOrder(services({ web: ['api'], api: ['db', 'cache'], worker: [], db: [], cache: [] }));
  t.deepEqual(order.map((s) => s.name), ['db', 'cache', 'api', 'web', 'worker']);
});

test('dependencies outside the list count as met', (t) => {
  t.deepEqual(startOrder(services({ app: ['migrate'] })).map((s) => s.name), ['app']);
});

test('a cycle is refused with its path', (t) => {
  t.throws(() => startOrder(services({ a: ['b'], b: ['c'], c: ['a'] })), {
    instanceOf: DeploymentFailedError,
    message: 'Services depend on each other in a cycle: a -> b -> c -> a.',
  });
});

import test from 'ava';
import { ignoredSwarmFields } from '../../../plugins/docker-runtime/ignored-swarm-fields.js';
import type { SwarmFields } from '../../../core/plugin-api.js';
import { testPlan } from '../../support/test-plan.js';

const service = (swarm?: SwarmFields) => {
  const [planned] = testPlan({ services: { web: { image: 'nginx:1', ...(swarm ? { swarm } : {}) } } }).services;
  if (!planned) throw new Error('no service');
  return planned;
};

const defaults: SwarmFields = {
  replicas: 1,
  placementConstraints: [],
  update: { order: 'stop-first', parallelism: 1, delayMs: 0, failureAction: 'rollback' },
  limits: { nanoCpus: null, memoryBytes: null },
  endpointMode: 'vip',
};

test('a service without Swarm fields, or with the defaults, has nothing the docker runtime ignores', (t) => {
  t.deepEqual(ignoredSwarmFields(service()), []);
  t.deepEqual(ignoredSwarmFields(service(defaults)), []);
});

test('each Swarm field set beyond its default is named', (t) => {
  const all: SwarmFields = {
    replicas: 3,
    placementConstraints: ['node.role == manager'],
    update: { ...defaults.update, order: 'start-first' },
    limits: { nanoCpus: null, memoryBytes: 64 * 1024 * 1024 },
    endpointMode: 'dnsrr',
  };
  t.deepEqual(ignoredSwarmFields(service(all)), ['replicas', 'placement', 'update', 'resources', 'endpointMode']);
});

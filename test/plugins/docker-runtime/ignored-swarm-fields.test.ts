import test from 'ava';
import { ignoredSwarmFields } from '../../../plugins/docker-runtime/ignored-swarm-fields.js';
import { DEFAULT_SWARM_FIELDS, type SwarmFields } from '../../../core/manifests/swarm-fields.js';
import { testPlan } from '../../support/test-plan.js';

const service = (swarm?: SwarmFields) => {
  const [planned] = testPlan({ services: { web: { image: 'nginx:1', ...(swarm ? { swarm } : {}) } } }).services;
  if (!planned) throw new Error('no service');
  return planned;
};


test('a service without Swarm fields, or with the defaults, has nothing the docker runtime ignores', (t) => {
  t.deepEqual(ignoredSwarmFields(service()), []);
  t.deepEqual(ignoredSwarmFields(service(DEFAULT_SWARM_FIELDS)), []);
});

test('each Swarm field set beyond its default is named', (t) => {
  const all: SwarmFields = {
    replicas: 3,
    placementConstraints: ['node.role == manager'],
    update: { ...DEFAULT_SWARM_FIELDS.update, order: 'start-first' },
    limits: { nanoCpus: null, memoryBytes: 64 * 1024 * 1024 },
    endpointMode: 'dnsrr',
  };
  t.deepEqual(ignoredSwarmFields(service(all)), ['replicas', 'placement', 'update', 'resources', 'endpointMode']);
});

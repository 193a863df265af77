import test from 'ava';
import type { Deployment, PendingChange, ServiceRecord } from '../../../core/deployments/deployment.js';
import { reconcileDeployment } from '../../../core/deployments/reconcile-deployment.js';

const container = (serviceName: string, containerId: string, status = 'running', lifecycle: 'service' | 'init' = 'service'): ServiceRecord => ({
  serviceName,
  containerId,
  containerName: `shop_${serviceName}`,
  image: 'app:1',
  status,
  lifecycle,
});

const pending = (operation: PendingChange['operation'], version: string): PendingChange => ({
  operation,
  stackId: `stacks:shop:${version}:Shop`,
  version,
  variables: { A: 'new' },
  secretVariables: [],
  services: [
    { serviceName: 'web', containerName: 'shop_web', image: 'web:2' },
    { serviceName: 'api', containerName: 'shop_api', image: 'api:2' },
  ],
});

function deployment(overrides: Partial<Deployment>): Deployment {
  return {
    id: 'd1',
    environmentId: 'e1',
    stackName: 'shop',
    stackId: 'stacks:shop:1.0.0:Shop',
    productId: 'stacks:shop',
    productName: 'Shop',
    stackDefinitionName: 'Shop',
    stackVersion: '1.0.0',
    previousVersion: null,
    status: 'Upgrading',
    errorMessage: null,
    variables: { A: 'old' },
    secretVariables: [],
    services: [container('web', 'old-web'), container('api', 'old-api')],
    pending: pending('upgrade', '2.0.0'),
    productDeploymentId: null,
    createdAt: '',
    updatedAt: '',
    ...overrides,
  };
}

test('containers that were never replaced keep the deployment Running on its version', (t) => {
  const outcome = reconcileDeployment(deployment({}), { services: [container('web', 'old-web'), container('api', 'old-api')] });
  t.is(outcome.status, 'Running');
  t.is(outcome.commit, undefined);
  t.is(outcome.message, 'The host stopped during the upgrade; its containers had not been replaced yet, so version 1.0.0 keeps running.');
});

test('every service of the target running takes the interrupted upgrade as done', (t) => {
  const outcome = reconcileDeployment(deployment({}), { services: [container('web', 'new-web'), container('api', 'new-api')] });
  t.is(outcome.status, 'Running');
  t.deepEqual(outcome.commit, { stackId: 'stacks:shop:2.0.0:Shop', stackDefinitionName: 'Shop', version: '2.0.0', previousVersion: '1.0.0', variables: { A: 'new' }, secretVariables: [] });
});

test('a service of the target not running makes the deployment Failed and names it', (t) => {
  const outcome = reconcileDeployment(deployment({}), { services: [container('web', 'new-web'), container('api', 'new-api', 'exited')] });
  t.is(outcome.status, 'Failed');
  t.is(outcome.message, 'The host stopped during the upgrade; after the restart 1 of 2 service(s) were running (not running: api).');
});

test('a service of the target running but not healthy makes the deployment Failed: an unverified version is never taken over', (t) => {
  const found = [container('web', 'new-web'), container('api', 'new-api')];
  const outcome = reconcileDeployment(deployment({}), { services: found, health: { 'new-web': 'healthy', 'new-api': 'starting' } });
  t.is(outcome.status, 'Failed');
  t.is(outcome.commit, undefined);
  t.is(outcome.message, 'The host stopped during the upgrade; after the restart 2 of 2 service(s) were running (running but not healthy: api (starting)).');
  const verified = reconcileDeployment(deployment({}), { services: found, health: { 'new-web': 'healthy', 'new-api': 'none' } });
  t.is(verified.status, 'Running');
});

test('an interrupted first deploy with nothing started is Failed', (t) => {
  const outcome = reconcileDeployment(deployment({ status: 'Installing', services: [], pending: pending('deploy', '1.0.0') }), {
    services: [container('seed', 'init-1', 'running', 'init')],
  });
  t.is(outcome.status, 'Failed');
  t.is(outcome.message, 'The host stopped during the deploy; after the restart 0 of 2 service(s) were running (not running: web, api).');
});

test('an interrupted removal is Removed when nothing is left, else Failed', (t) => {
  const removing = deployment({ status: 'Running', pending: { ...pending('remove', '1.0.0'), services: [] } });
  t.is(reconcileDeployment(removing, { services: [] }).status, 'Removed');
  t.is(reconcileDeployment(removing, { services: [container('web', 'old-web')] }).status, 'Failed');
});

test('an interrupted stop is Stopped when no container runs; one still running leaves the usual judgement', (t) => {
  const recorded = [container('web', 'old-web'), container('api', 'old-api')];
  const stopping = deployment({ status: 'Running', services: recorded, pending: pending('stop', '1.0.0') });
  const stopped = reconcileDeployment(stopping, { services: recorded.map((c) => ({ ...c, status: 'exited' })) });
  t.is(stopped.status, 'Stopped');
  t.regex(stopped.message, /during the stop; none of its containers was running, so it is Stopped\.$/);
  t.is(reconcileDeployment(stopping, { services: [container('web', 'old-web', 'exited'), container('api', 'old-api')] }).status, 'Failed');
});

test('an engine that cannot be asked leaves the deployment Failed with the reason', (t) => {
  const outcome = reconcileDeployment(deployment({}), { error: "Docker engine of environment 'local' is unreachable: ECONNREFUSED" });
  t.is(outcome.status, 'Failed');
  t.is(outcome.services, undefined);
  t.regex(outcome.message, /could not be checked: Docker engine of environment 'local' is unreachable/);
});

import test from 'ava';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { definePlugin } from '../../../core/plugin-api.js';
import { idleCommand, useDeployHost } from '../../support/deploy-host.js';
import { testImages } from '../../support/test-images.js';

const images = testImages('product-deploy-race');

/** A two-stack product `Duo` (stacks API then Worker) and a single-stack product `Solo`. */
function manifests(image: string): Record<string, string> {
  return {
    'duo.yaml': `metadata: { name: Duo, productId: com.example.duo, productVersion: "1.0.0" }
stacks:
  api:
    metadata: { name: API }
    services:
      api: { image: ${image}, command: ${idleCommand()} }
  worker:
    metadata: { name: Worker }
    services:
      worker: { image: ${image}, command: ${idleCommand()} }
`,
    'solo.yaml': `metadata: { name: Solo, productId: com.example.solo, productVersion: "1.0.0" }
services:
  solo: { image: ${image}, command: ${idleCommand()} }
`,
  };
}

/**
 * Holds the plan of one stack in `beforeDeploy` until released: the product deploy is then
 * known to be under way, with no timing involved.
 */
function gate(stackName: string) {
  let reached!: () => void;
  let release!: () => void;
  const arrived = new Promise<void>((done) => (reached = done));
  const open = new Promise<void>((done) => (release = done));
  const plugin = definePlugin({
    id: 'gate',
    apiVersion: '1.0',
    options: z.strictObject({}),
    setup: ({ hooks }) =>
      hooks.beforeDeploy.tap(async (plan) => {
        if (plan.stackName === stackName) {
          reached();
          await open;
        }
        return plan;
      }),
  });
  return { plugin, arrived, release };
}

test.serial("a single-stack deploy of a product stack's name during the product deploy leaves nothing Installing, and a retry deploys the product", async (t) => {
  const image = await images.push('app');
  const name = `duo${randomBytes(3).toString('hex')}`;
  const held = gate(`${name}-api`);
  const host = await useDeployHost(t, { manifests: manifests(image.ref), plugins: { gate: held.plugin }, extraPlugins: [{ use: 'gate' }] });
  const deployProduct = () =>
    host.admin('POST', '/api/product-deployments', { environmentId: host.environmentId, productId: 'com.example.duo', deploymentName: name });

  const product = deployProduct();
  await held.arrived;
  // The product checked its names before it started; `<name>-worker` is taken now.
  const solo = await host.admin('POST', '/api/deployments', { environmentId: host.environmentId, stackName: `${name}-worker`, productId: 'com.example.solo' });
  t.is(solo.status, 201, solo.text);
  held.release();
  const answer = await product;

  t.is(answer.status, 400, answer.text);
  t.like(answer.body, { success: false, status: 'PartiallyRunning' });
  t.regex(String(answer.body['message']), new RegExp(`stack 'Worker': Stack '${name}-worker' already exists`));
  const productId = String(answer.body['productDeploymentId']);
  const listed = (await host.admin('GET', `/api/deployments?environmentId=${host.environmentId}`)).body['deployments'] as Array<Record<string, unknown>>;
  t.deepEqual(listed.filter((d) => d['status'] === 'Installing'), []);
  t.like(listed.find((d) => d['stackName'] === `${name}-worker`), { productId: 'com.example.solo', status: 'Running' });

  // Once the name is free again, posting the product again deploys its missing stack.
  const removed = await host.admin('DELETE', `/api/deployments/${String(solo.body['deploymentId'])}`);
  t.is(removed.status, 200, removed.text);
  const retried = await deployProduct();
  t.is(retried.status, 201, retried.text);
  t.like(retried.body, { productDeploymentId: productId, status: 'Running' });
});

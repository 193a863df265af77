import test, { type ExecutionContext } from 'ava';
import { randomBytes } from 'node:crypto';
import { createKey } from '../../support/api-keys.js';
import { docker, dockerInspect } from '../../support/docker-cli.js';
import { idleCommand, useDeployHost, type DeployTestHost } from '../../support/deploy-host.js';
import { readyStackGoShapedCatalog, shapedCatalogWarnings } from '../../support/ready-stack-go-shaped-catalog.js';
import { testImages } from '../../support/test-images.js';

const images = testImages('deployments-existing-catalogs');

/** The catalog with services that serve their image's variant on port 8080 (or idle). */
async function catalog(): Promise<Record<string, string>> {
  const cache = await images.push('app', { variant: 'cache-answer' });
  const events = await images.push('events', { variant: 'events-answer' });
  return readyStackGoShapedCatalog({ cache: cache.ref, events: events.ref, serve: idleCommand('httpd -p 8080 -h /www'), idle: idleCommand() });
}

async function deployProduct(t: ExecutionContext, host: DeployTestHost, productId: string): Promise<{ name: string; body: Record<string, unknown> }> {
  const name = `p${randomBytes(3).toString('hex')}`;
  const res = await host.admin('POST', '/api/product-deployments', { environmentId: host.environmentId, productId, deploymentName: name });
  t.is(res.status, 201, res.text);
  return { name, body: res.body };
}

/** What `container` gets for `http://<service>:8080/`, or the failure wget reports. */
async function fetchFrom(container: string, service: string): Promise<string> {
  try {
    return await docker('exec', container, 'wget', '-O-', `http://${service}:8080/`);
  } catch (err) {
    return `failed: ${err instanceof Error ? err.message : String(err)}`;
  }
}

async function networkExists(name: string): Promise<boolean> {
  return (await docker('network', 'ls', '--quiet', '--filter', `name=^${name}$`)) !== '';
}

test.serial('the sync answer reports what a ReadyStackGo catalog carries that this host handles differently', async (t) => {
  const host = await useDeployHost(t, { manifests: await catalog() });
  const key = await createKey(t, host, { name: 'sync', permissions: ['Hooks.SyncSources'] });

  const res = await host.host.request('POST', '/api/hooks/sync-sources', { apiKey: key.fullKey });

  t.is(res.status, 200, res.text);
  t.like(res.body, { success: true, stacksLoaded: 3 });
  t.deepEqual(res.body['warnings'], shapedCatalogWarnings.map((warning) => ({ source: 'stacks', ...warning })));
});

test.serial("a product's stacks reach each other by service name on the product network; another product cannot", async (t) => {
  const host = await useDeployHost(t, { manifests: await catalog() });

  const ledger = await deployProduct(t, host, 'com.example.ledger');
  const ping = await deployProduct(t, host, 'com.example.ping');

  // Business depends on a service of Infra, so Infra is deployed first although written second.
  t.deepEqual(
    (ledger.body['stacks'] as Array<Record<string, unknown>>).map((stack) => [stack['stackName'], stack['status']]),
    [
      ['Infra', 'Running'],
      ['Business', 'Running'],
    ],
  );
  const api = `${ledger.name}-business_api`;
  t.is(await fetchFrom(api, 'cachedata'), 'cache-answer');
  t.is(await fetchFrom(api, 'eventstore'), 'events-answer');
  // And the other way round: `api` resolves (it serves nothing, so the connection is refused).
  t.regex(await fetchFrom(`${ledger.name}-infra_cachedata`, 'api'), /^failed: [\s\S]*Connection refused/);
  t.regex(await fetchFrom(`${ping.name}-ping_probe`, 'cachedata'), /^failed: [\s\S]*bad address 'cachedata:8080'/);

  const network = await dockerInspect<{ Containers: Record<string, { Name: string }> }>('network', `${ledger.name}_product`);
  t.deepEqual(Object.values(network.Containers).map((c) => c.Name).sort(), [api, `${ledger.name}-infra_cachedata`, `${ledger.name}-infra_eventstore`]);
  const labels = (await dockerInspect<{ Config: { Labels: Record<string, string> } }>('container', api)).Config.Labels;
  t.like(labels, { 'rsgo.role': 'api', 'rsgo.redeploy': 'ignore', 'rsgo.stack.name': 'Business', 'rsgo.context': 'api', 'rsgo.stack': `${ledger.name}-business` });
});

test.serial('a product deployed before the product network gets it on its next redeploy', async (t) => {
  const host = await useDeployHost(t, { manifests: await catalog() });
  const ledger = await deployProduct(t, host, 'com.example.ledger');
  const api = `${ledger.name}-business_api`;
  // As a deployment made before products shared a network: no product network at all.
  const network = `${ledger.name}_product`;
  for (const container of [api, `${ledger.name}-infra_cachedata`, `${ledger.name}-infra_eventstore`]) await docker('network', 'disconnect', network, container);
  await docker('network', 'rm', network);
  t.regex(await fetchFrom(api, 'cachedata'), /^failed: [\s\S]*bad address 'cachedata:8080'/);

  const key = await createKey(t, host, { name: 'ci', permissions: ['Hooks.Redeploy'], environmentId: host.environmentId });
  const res = await host.host.request('POST', '/api/hooks/redeploy', { apiKey: key.fullKey, body: { productId: 'com.example.ledger' } });

  t.is(res.status, 200, res.text);
  t.is(await fetchFrom(api, 'cachedata'), 'cache-answer');
});

test.serial("the product network goes with the product's last stack", async (t) => {
  const host = await useDeployHost(t, { manifests: await catalog() });
  const ledger = await deployProduct(t, host, 'com.example.ledger');
  const [infra, business] = (ledger.body['stacks'] as Array<{ deploymentId: string }>).map((stack) => stack.deploymentId);

  t.is((await host.admin('DELETE', `/api/deployments/${String(business)}`)).status, 200);
  t.true(await networkExists(`${ledger.name}_product`));
  t.is(await fetchFrom(`${ledger.name}-infra_cachedata`, 'eventstore'), 'events-answer');

  t.is((await host.admin('DELETE', `/api/deployments/${String(infra)}`)).status, 200);
  t.false(await networkExists(`${ledger.name}_product`));
});

test.serial('a stack with a service without an image is refused before anything changes', async (t) => {
  const host = await useDeployHost(t, { manifests: await catalog() });
  const res = await host.admin('POST', '/api/product-deployments', {
    environmentId: host.environmentId,
    productId: 'com.example.builder',
    deploymentName: `b${randomBytes(3).toString('hex')}`,
  });

  t.is(res.status, 400, res.text);
  t.is(res.body['message'], "Service 'compiler' has no image.");
  t.deepEqual((await host.admin('GET', '/api/deployments')).body['deployments'], []);
  t.is(await docker('container', 'ls', '--all', '--quiet', '--filter', 'label=rsgo.product=com.example.builder'), '');
});

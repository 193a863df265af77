import test from 'ava';
import { BROKEN_ID, SHOP_ID, STAGING_ID, useManagementApiStandIn } from '../support/management-api-stand-in.js';
import { runCli } from '../support/run-cli.js';

// Until the host serves the catalog and deployment routes, these commands are tested against a
// stand-in that answers as the HTTP API contract describes.

test('catalog list shows each product with its versions and stacks; --json is the API body', async (t) => {
  const api = await useManagementApiStandIn(t);
  const env = { RSGO_URL: api.url, RSGO_TOKEN: api.token };
  const table = await runCli(['catalog', 'list'], { env });
  t.is(table.code, 0, table.stderr);
  t.is(table.stdout, ['PRODUCT        NAME       VERSION  VERSIONS      STACKS  SOURCE', 'com.acme.shop  Acme Shop  1.2.0    1.1.0, 1.2.0  Shop    examples', ''].join('\n'));
  const json = await runCli(['catalog', 'list', '--json'], { env });
  t.like(json.json<{ products: unknown[] }>(), { products: [{ groupId: 'com.acme.shop', versions: ['1.1.0', '1.2.0'] }] });
});

test('catalog sync prints its message and lists skipped manifests as warnings', async (t) => {
  const api = await useManagementApiStandIn(t);
  const run = await runCli(['catalog', 'sync'], { env: { RSGO_URL: api.url, RSGO_TOKEN: api.token } });
  t.is(run.code, 0, run.stderr);
  t.is(run.stdout, 'Synced 2 source(s), loaded 1 stack(s).\n');
  t.regex(run.stderr, /warning: examples: broken\.yaml: metadata\.name: Required\n/);
});

test('catalog sync with a failed source names it and exits 4; --json keeps the errors', async (t) => {
  const api = await useManagementApiStandIn(t, { syncFails: true });
  const run = await runCli(['catalog', 'sync', '--json'], { env: { RSGO_URL: api.url, RSGO_TOKEN: api.token } });
  t.is(run.code, 4);
  t.regex(run.stderr, /error: platform: repository not found\n/);
  t.regex(run.stderr, /rsgo: Sync completed with errors: Failed to sync 'platform': repository not found\n/);
  t.like(run.json(), { success: false, errors: [{ source: 'platform', message: 'repository not found' }] });
});

test('deploy sends the stack to the named environment, shows progress, then the running services', async (t) => {
  const api = await useManagementApiStandIn(t, { deployMs: 300 });
  const run = await runCli(['deploy', 'com.acme.shop', '--name', 'shop', '--env', 'staging', '--version', '1.2.0', '--var', 'SHOP_TITLE=Acme'], {
    env: { RSGO_URL: api.url, RSGO_TOKEN: api.token },
  });
  t.is(run.code, 0, run.stderr);
  t.deepEqual(api.posted, [
    { path: '/api/deployments', body: { environmentId: STAGING_ID, stackName: 'shop', productId: 'com.acme.shop', version: '1.2.0', variables: { SHOP_TITLE: 'Acme' } } },
  ]);
  t.regex(run.stderr, /^Deploying 'shop' \(com\.acme\.shop\) to staging\.\.\.\ntook \d+\.\ds\n$/);
  t.is(
    run.stdout,
    [
      `Deployed 'shop' 1.2.0 to staging: Running (${SHOP_ID}).`,
      '',
      'SERVICE  CONTAINER  IMAGE                                STATUS',
      'web      shop_web   registry.example.com/acme/web:1.2.0  running',
      'db       shop_db    postgres:16                          running',
      '',
    ].join('\n'),
  );
});

test('a failed first deploy exits 1 with the reason and points at the record the host kept', async (t) => {
  const api = await useManagementApiStandIn(t);
  const run = await runCli(['deploy', 'com.acme.broken', '--name', 'broken', '--json'], { env: { RSGO_URL: api.url, RSGO_TOKEN: api.token } });
  t.is(run.code, 1);
  t.like(api.posted[0]?.body, { environmentId: '6f1c0a52-3d5e-4c8e-9a51-2b7f8e0d4c11' });
  t.regex(run.stderr, new RegExp(`The failed deployment is kept: rsgo deployments show ${BROKEN_ID}\\n`));
  t.regex(run.stderr, /rsgo: Deployment failed: Service 'web' did not start within 60s\.\n {2}\(HTTP 400, DEPLOY_FAILED, request id stand-in-request\)\n$/);
  t.like(run.json(), { success: false, code: 'DEPLOY_FAILED', deploymentId: BROKEN_ID });
});

test('deploy without --name is a usage error and sends nothing', async (t) => {
  const api = await useManagementApiStandIn(t);
  const run = await runCli(['deploy', 'com.acme.shop'], { env: { RSGO_URL: api.url, RSGO_TOKEN: api.token } });
  t.is(run.code, 2);
  t.regex(run.stderr, /^rsgo: Missing --name\.\n/);
  t.deepEqual(api.posted, []);
});

test('deployments list shows a table with environment names; --json the API list', async (t) => {
  const api = await useManagementApiStandIn(t);
  const env = { RSGO_URL: api.url, RSGO_TOKEN: api.token };
  const table = await runCli(['deployments', 'list', '--env', 'staging'], { env });
  t.is(table.code, 0, table.stderr);
  const lines = table.stdout.trimEnd().split('\n');
  t.regex(lines[0] ?? '', /^ID +NAME +PRODUCT +VERSION +STATUS +ENVIRONMENT +UPDATED$/);
  t.regex(lines[1] ?? '', new RegExp(`^${SHOP_ID} +shop +com\\.acme\\.shop +1\\.2\\.0 +Running +staging +2026-11-27 09:12 UTC$`));
  t.regex(lines[2] ?? '', /broken +com\.acme\.broken +1\.2\.0 +Failed/);
  const json = await runCli(['deployments', 'list', '--json'], { env });
  t.is(json.json<{ deployments: unknown[] }>().deployments.length, 2);
});

test('deployments show by name prints the status, masked variables, services and history', async (t) => {
  const api = await useManagementApiStandIn(t);
  const run = await runCli(['deployments', 'show', 'shop'], { env: { RSGO_URL: api.url, RSGO_TOKEN: api.token } });
  t.is(run.code, 0, run.stderr);
  t.regex(run.stdout, /^Name: +shop\nId: +d4f8b2c1-/);
  t.regex(run.stdout, /\nStatus: +Running\nError: +-\n/);
  t.regex(run.stdout, /\nVariables: +SHOP_TITLE=Acme, DB_PASSWORD=\*{8}\n/);
  t.regex(run.stdout, /\nServices:\nSERVICE +CONTAINER +IMAGE +STATUS\nweb +shop_web /);
  t.regex(run.stdout, /\nHistory:\nSTARTED +OPERATION +OUTCOME +VERSION +BY +MESSAGE\n2026-11-27 09:10 UTC +deploy +Succeeded +1\.2\.0 +user:admin\n$/);
});

test('deployments show of a name deployed in two environments asks for --env; of an unknown name exits 1', async (t) => {
  const api = await useManagementApiStandIn(t, { shopInLocalToo: true });
  const env = { RSGO_URL: api.url, RSGO_TOKEN: api.token };
  const ambiguous = await runCli(['deployments', 'show', 'shop'], { env });
  t.is(ambiguous.code, 2);
  t.regex(ambiguous.stderr, /^rsgo: 'shop' is deployed in several environments; choose one with --env\.\n/);
  const chosen = await runCli(['deployments', 'show', 'shop', '--env', 'staging', '--json'], { env });
  t.is(chosen.code, 0, chosen.stderr);
  t.like(chosen.json(), { deployment: { id: SHOP_ID, environmentId: STAGING_ID } });
  const unknown = await runCli(['deployments', 'show', 'nope'], { env });
  t.is(unknown.code, 1);
  t.is(unknown.stderr, "rsgo: No deployment named 'nope'.\n");
});

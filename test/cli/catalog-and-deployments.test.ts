import test from 'ava';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTree } from '../support/catalog-folder.js';
import { containersLabelled, idleCommand, useDeployHost, type DeployHostOptions, type DeployTestHost } from '../support/deploy-host.js';
import { docker } from '../support/docker-cli.js';
import { runCli } from '../support/run-cli.js';
import { testImages, type TestImage } from '../support/test-images.js';

// Serial: every run starts a Node process, and on a busy machine a crowd of them at once only
// makes each slower; every deployment also takes a network from the engine's small shared pool.

const images = testImages('cli-catalog-deployments');
const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;
const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** Acme Shop `version` (product `com.acme.shop`): `web` and `db` idle with the shop's variables. */
function shopManifest(image: TestImage, version: string): string {
  return `metadata:
  name: Acme Shop
  productId: com.acme.shop
  productVersion: "${version}"
variables:
  DB_PASSWORD:
    type: Password
    required: true
  SHOP_TITLE:
    default: Shop
    pattern: "^[A-Za-z ]+$"
  WORKERS:
    type: Number
    min: 1
    max: 8
    default: "2"
services:
  web:
    image: ${image.ref}
    command: ${idleCommand()}
    environment:
      SHOP_TITLE: \${SHOP_TITLE}
  db:
    image: ${image.ref}
    command: ${idleCommand()}
    environment:
      DB_PASSWORD: \${DB_PASSWORD}
`;
}

/** A deploy host whose catalog holds Acme Shop 1.1.0 and 1.2.0, and the CLI environment to reach it. */
async function useShopHost(t: Parameters<typeof useDeployHost>[0], options: DeployHostOptions = {}): Promise<{ host: DeployTestHost; env: NodeJS.ProcessEnv; image: TestImage }> {
  const image = await images.push('app');
  const host = await useDeployHost(t, {
    ...options,
    manifests: { 'shop-1.1.0.yaml': shopManifest(image, '1.1.0'), 'shop-1.2.0.yaml': shopManifest(image, '1.2.0'), ...options.manifests },
  });
  return { host, env: { RSGO_URL: host.host.url, RSGO_TOKEN: host.token }, image };
}

test.serial('catalog list shows each product with its versions and stacks; --json is the API body', async (t) => {
  const { env } = await useShopHost(t);
  const table = await runCli(['catalog', 'list'], { env });
  t.is(table.code, 0, table.stderr);
  t.is(table.stdout, ['PRODUCT        NAME       VERSION  VERSIONS      STACKS     SOURCE', 'com.acme.shop  Acme Shop  1.2.0    1.1.0, 1.2.0  Acme Shop  stacks', ''].join('\n'));

  const json = await runCli(['catalog', 'list', '--json'], { env });
  t.is(json.code, 0, json.stderr);
  const { products } = json.json<{ products: Record<string, unknown>[] }>();
  t.is(products.length, 1);
  t.like(products[0], { groupId: 'com.acme.shop', name: 'Acme Shop', version: '1.2.0', sourceId: 'stacks', versions: ['1.1.0', '1.2.0'] });
  t.like((products[0]?.['stacks'] as unknown[])[0], { name: 'Acme Shop', services: ['web', 'db'] });
});

test.serial('catalog sync loads what the sources hold now and lists skipped manifests as warnings', async (t) => {
  const { host, env, image } = await useShopHost(t);
  await writeTree(host.catalogDir, {
    'tools.yaml': shopManifest(image, '1.0.0').replace('Acme Shop', 'Acme Tools').replace('com.acme.shop', 'com.acme.tools'),
    'broken.yaml': 'metadata:\n  productVersion: "1.0.0"\nservices: {}\n',
  });
  const run = await runCli(['catalog', 'sync'], { env });
  t.is(run.code, 0, run.stderr);
  t.is(run.stdout, 'Synced 1 source(s), loaded 3 stack(s).\n');
  t.regex(run.stderr, /^Synchronising the catalog\.\.\.\nwarning: stacks: broken\.yaml: .+\n$/);

  const list = await runCli(['catalog', 'list', '--json'], { env });
  t.deepEqual(list.json<{ products: { groupId: string }[] }>().products.map((product) => product.groupId).sort(), ['com.acme.shop', 'com.acme.tools']);

  const json = await runCli(['catalog', 'sync', '--json'], { env });
  t.is(json.code, 0, json.stderr);
  t.like(json.json(), { success: true, stacksLoaded: 3, sourcesSynced: 1, warnings: [{ source: 'stacks', file: 'broken.yaml' }] });
});

test.serial('catalog sync with a failed source names it and exits 4; the other source stays loaded', async (t) => {
  const platformDir = await mkdtemp(join(tmpdir(), 'rsgo-platform-'));
  t.teardown(() => rm(platformDir, { recursive: true, force: true }));
  const { env } = await useShopHost(t, { extraPlugins: [{ use: 'local-directory-source', name: 'platform', options: { path: platformDir } }] });
  // The folder disappears after the host started: the source fails at the next sync.
  await rm(platformDir, { recursive: true });

  const run = await runCli(['catalog', 'sync'], { env });
  t.is(run.code, 4);
  t.is(run.stdout, '');
  t.regex(run.stderr, /\nerror: platform: .*does not exist\n/);
  t.regex(run.stderr, /\nrsgo: Sync completed with errors: Failed to sync 'platform': .*does not exist\n {2}\(HTTP 500, SYNC_FAILED, request id [\w-]+\)\n$/);

  const json = await runCli(['catalog', 'sync', '--json'], { env });
  t.is(json.code, 4);
  t.like(json.json(), { success: false, code: 'SYNC_FAILED', sourcesSynced: 1, stacksLoaded: 2, errors: [{ source: 'platform' }] });
  const list = await runCli(['catalog', 'list', '--json'], { env });
  t.deepEqual(list.json<{ products: { groupId: string }[] }>().products.map((product) => product.groupId), ['com.acme.shop']);
});

test.serial('deploy starts the stack on the engine, shows progress, then the running services; deployments list and show find it', async (t) => {
  const { host, env, image } = await useShopHost(t);
  const name = unique('shop');
  const run = await runCli(['deploy', 'com.acme.shop', '--name', name, '--env', 'local', '--version', '1.1.0', '--var', 'SHOP_TITLE=Acme', '--var', 'DB_PASSWORD=s3cret=pw', '--reason', 'First release', '--commit', '3f2c1a9'], { env });
  t.is(run.code, 0, run.stderr);
  // Each step the host reported is a line `  <service>: <what>`, between the label and the time taken.
  t.regex(run.stderr, new RegExp(`^Deploying '${name}' \\(com\\.acme\\.shop\\) to local\\.\\.\\.\\n(?: {2}(?:still waiting \\(.+\\)|[\\w-]+: .+)\\n)+took [\\dms.]+\\n$`));
  for (const service of ['web', 'db']) {
    const steps = run.stderr.split('\n').filter((line) => line.startsWith(`  ${service}: `)).map((line) => line.slice(service.length + 4));
    const expected = [
      new RegExp(`^Pulling ${image.ref.replace(/[.:/]/g, '\\$&')}$`),
      new RegExp(`^Pulled ${image.ref.replace(/[.:/]/g, '\\$&')}$`),
      new RegExp(`^Creating container ${name}_${service}$`),
      new RegExp(`^Starting container ${name}_${service}$`),
      new RegExp(`^Waiting for ${name}_${service} to run$`),
      new RegExp(`^${name}_${service} is running$`),
    ];
    // In this order; the engine's own pull status lines may come in between.
    let next = 0;
    for (const step of steps) if (expected[next]?.test(step)) next += 1;
    t.is(next, expected.length, `${service}:\n${steps.join('\n')}`);
  }
  const [deployed, blank, header, ...rows] = run.stdout.trimEnd().split('\n');
  const id = new RegExp(`^Deployed '${name}' 1\\.1\\.0 to local: Running \\((${uuid})\\)\\.$`).exec(deployed ?? '')?.[1] ?? '';
  t.not(id, '', deployed);
  t.is(blank, '');
  t.regex(header ?? '', /^SERVICE +CONTAINER +IMAGE +STATUS$/);
  t.deepEqual(rows.map((row) => row.split(/ +/)).sort(), [
    ['db', `${name}_db`, image.ref, 'running'],
    ['web', `${name}_web`, image.ref, 'running'],
  ]);
  // What the command reported is what runs on the engine, with the variables given.
  t.deepEqual(await containersLabelled('rsgo.deployment', id), [`${name}_db running`, `${name}_web running`]);
  t.is(await docker('exec', `${name}_web`, 'sh', '-c', 'echo "$SHOP_TITLE"'), 'Acme');
  t.is(await docker('exec', `${name}_db`, 'sh', '-c', 'echo "$DB_PASSWORD"'), 's3cret=pw');

  const table = await runCli(['deployments', 'list', '--env', 'local'], { env });
  t.is(table.code, 0, table.stderr);
  const lines = table.stdout.trimEnd().split('\n');
  t.is(lines.length, 2, table.stdout);
  t.regex(lines[0] ?? '', /^ID +NAME +PRODUCT +VERSION +STATUS +ENVIRONMENT +UPDATED$/);
  t.regex(lines[1] ?? '', new RegExp(`^${id} +${name} +com\\.acme\\.shop +1\\.1\\.0 +Running +local +\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} UTC$`));
  const listed = await runCli(['deployments', 'list', '--json'], { env });
  const { deployments } = listed.json<{ deployments: Record<string, unknown>[] }>();
  t.is(deployments.length, 1);
  t.like(deployments[0], { id, environmentId: host.environmentId, stackName: name, stackVersion: '1.1.0', productId: 'com.acme.shop', status: 'Running' });

  const shown = await runCli(['deployments', 'show', name], { env });
  t.is(shown.code, 0, shown.stderr);
  t.regex(shown.stdout, new RegExp(`^Name: +${name}\\nId: +${id}\\nProduct: +com\\.acme\\.shop\\nVersion: +1\\.1\\.0\\nStatus: +Running\\nError: +-\\nEnvironment: +local\\n`));
  t.regex(shown.stdout, /\nVariables: +.*DB_PASSWORD=\*{8}/);
  t.regex(shown.stdout, /\nVariables: +.*SHOP_TITLE=Acme/);
  t.false(shown.stdout.includes('s3cret'));
  t.regex(shown.stdout, new RegExp(`\\nServices:\\nSERVICE +CONTAINER +IMAGE +STATUS\\n(?:(?:web|db) +${name}_(?:web|db) +\\S+ +running\\n){2}`));
  t.regex(shown.stdout, /\nHistory:\nSTARTED +OPERATION +OUTCOME +VERSION +BY +WHY +MESSAGE\n\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC +deploy +Succeeded +1\.1\.0 +user:admin +First release \(3f2c1a9\) +Deployed version 1\.1\.0: 2 services running\.\n$/);

  const byId = await runCli(['deployments', 'show', id, '--json'], { env });
  t.is(byId.code, 0, byId.stderr);
  const { deployment } = byId.json<{ deployment: Record<string, unknown> }>();
  t.like(deployment, { id, stackName: name, status: 'Running', variables: { DB_PASSWORD: '********', SHOP_TITLE: 'Acme', WORKERS: '2' } });
  t.is((deployment['services'] as unknown[]).length, 2);
  t.like((deployment['history'] as unknown[])[0], { operation: 'deploy', outcome: 'Succeeded', toVersion: '1.1.0' });
});

test.serial('deploy --json prints the host answer; deploying the same name again exits 1 with the conflict', async (t) => {
  const { env } = await useShopHost(t);
  const name = unique('shop');
  const run = await runCli(['deploy', 'com.acme.shop', '--name', name, '--var', 'DB_PASSWORD=pw', '--json'], { env });
  t.is(run.code, 0, run.stderr);
  const body = run.json();
  t.deepEqual(Object.keys(body).sort(), ['deploymentId', 'stackName', 'stackVersion', 'status', 'success']);
  // The steps go to stderr: stdout stays the one JSON document.
  t.regex(run.stderr, new RegExp(`\\n {2}web: ${name}_web is running\\n`));
  t.like(body, { success: true, stackName: name, stackVersion: '1.2.0', status: 'Running' });

  const again = await runCli(['deploy', 'com.acme.shop', '--name', name, '--var', 'DB_PASSWORD=pw'], { env });
  t.is(again.code, 1);
  t.is(again.stdout, '');
  t.regex(again.stderr, new RegExp(`\\nrsgo: Stack '${name}' already exists in environment '${uuid}'\\.\\n {2}\\(HTTP 409, STACK_EXISTS, request id [\\w-]+\\)\\n$`));
});

test.serial('deploy refuses an unknown product, stack, version or environment and bad variables, and starts nothing', async (t) => {
  const { host, env } = await useShopHost(t);
  const deploy = (...args: string[]) => runCli(['deploy', 'com.acme.shop', '--name', 'refused', ...args], { env });
  const hostError = (message: string, code: string) => new RegExp(`\\nrsgo: ${message}\\n {2}\\(HTTP 400, ${code}, request id [\\w-]+\\)\\n$`);

  const product = await runCli(['deploy', 'com.acme.nope', '--name', 'refused', '--var', 'DB_PASSWORD=pw'], { env });
  t.is(product.code, 1);
  t.regex(product.stderr, hostError("Product 'com\\.acme\\.nope' not found in catalog\\.", 'PRODUCT_NOT_FOUND'));

  const stack = await deploy('--stack', 'Backend', '--var', 'DB_PASSWORD=pw');
  t.is(stack.code, 1);
  t.regex(stack.stderr, hostError("Stack 'Backend' not found in product 'Acme Shop' version 1\\.2\\.0\\. Available stacks: Acme Shop\\.", 'STACK_NOT_FOUND'));

  const version = await deploy('--version', '9.9.9', '--var', 'DB_PASSWORD=pw', '--json');
  t.is(version.code, 1);
  t.like(version.json(), { success: false, code: 'VERSION_NOT_FOUND', message: "Version '9.9.9' not found in catalog. Available versions: 1.1.0, 1.2.0" });

  const variables = await deploy('--var', 'WORKERS=99', '--var', 'SHOP_TITLE=Acme!', '--json');
  t.is(variables.code, 1);
  const invalid = variables.json<{ success: boolean; code: string; message: string }>();
  t.like(invalid, { success: false, code: 'INVALID_INPUT' });
  // Every problem is listed: the missing password, the title off its pattern, the number out of range.
  t.regex(invalid.message, /^Invalid variables: /);
  for (const variable of ['DB_PASSWORD', 'SHOP_TITLE', 'WORKERS']) t.true(invalid.message.includes(variable), invalid.message);
  t.is(invalid.message.split('; ').length, 3, invalid.message);

  const environment = await deploy('--env', 'prod', '--var', 'DB_PASSWORD=pw');
  t.is(environment.code, 1);
  t.is(environment.stderr, "rsgo: Unknown environment 'prod'. Known environments: local.\n");

  const malformed = await deploy('--var', 'DB_PASSWORD');
  t.is(malformed.code, 2);
  t.regex(malformed.stderr, /^rsgo: Invalid --var 'DB_PASSWORD': expected NAME=VALUE\.\n/);

  const unnamed = await runCli(['deploy', 'com.acme.shop'], { env });
  t.is(unnamed.code, 2);
  t.regex(unnamed.stderr, /^rsgo: Missing --name\.\nRun 'rsgo deploy --help' for usage\.\n$/);

  const listed = await runCli(['deployments', 'list'], { env });
  t.is(listed.stdout, "No deployments. Deploy a product with 'rsgo deploy'.\n");
  t.deepEqual(await containersLabelled('rsgo.environment', host.environmentId), []);
});

test.serial('a failed first deploy exits 1 with the reason and points at the record the host kept', async (t) => {
  const image = await images.push('app');
  const { env } = await useShopHost(t, {
    manifests: {
      'crashy.yaml': `metadata:\n  name: Crashy\n  productId: com.acme.crashy\n  productVersion: "1.0.0"\nservices:\n  api:\n    image: ${image.ref}\n    restart: "no"\n    command: ["sh", "-c", "echo 'fatal: no config' >&2; exit 3"]\n`,
    },
  });
  const name = unique('crashy');
  const run = await runCli(['deploy', 'com.acme.crashy', '--name', name], { env });
  t.is(run.code, 1);
  t.is(run.stdout, '');
  const id = new RegExp(`\\nThe failed deployment is kept: rsgo deployments show (${uuid})\\n`).exec(run.stderr)?.[1] ?? '';
  t.not(id, '', run.stderr);
  t.regex(run.stderr, /\nrsgo: Deployment failed: .*'api'[\s\S]*fatal: no config[\s\S]*\n {2}\(HTTP 400, [A-Z_]+, request id [\w-]+\)\n$/);
  t.regex(run.stderr, new RegExp(`\\n {2}api: Starting container ${name}_api\\n(?:.*\\n)* {2}api: Service 'api' exited with code 3\\. Last log lines:\\n`));

  const shown = await runCli(['deployments', 'show', id], { env });
  t.is(shown.code, 0, shown.stderr);
  t.regex(shown.stdout, /\nStatus: +Failed\nError: +Service 'api' exited with code 3\. Last log lines:\n +fatal: no config\nEnvironment: +local\n/);
  t.regex(shown.stdout, /\nHistory:\n.*\n.* +deploy +Failed +1\.0\.0 +user:admin +- +Service 'api' exited with code 3\./);

  const retried = await runCli(['deploy', 'com.acme.crashy', '--name', name, '--json'], { env });
  t.is(retried.code, 1);
  t.like(retried.json(), { success: false, deploymentId: id });
});

test.serial('a deploy to an unreachable engine exits 4; deployments show then asks for --env, and names an unknown deployment', async (t) => {
  const { host, env } = await useShopHost(t);
  const name = unique('shop');
  t.is((await runCli(['deploy', 'com.acme.shop', '--name', name, '--var', 'DB_PASSWORD=pw'], { env })).code, 0);
  // An environment whose engine cannot be reached: the deploy there fails and keeps its record.
  t.is((await runCli(['env', 'create', 'remote', '--docker-host', 'tcp://127.0.0.1:9'], { env })).code, 0);
  const remote = await runCli(['deploy', 'com.acme.shop', '--name', name, '--env', 'remote', '--var', 'DB_PASSWORD=pw'], { env });
  t.is(remote.code, 4);
  t.regex(remote.stderr, new RegExp(`\\nThe failed deployment is kept: rsgo deployments show ${uuid}\\nrsgo: Docker engine of environment 'remote' is unreachable: .*\\n {2}\\(HTTP 503, DOCKER_UNREACHABLE, request id [\\w-]+\\)\\n$`));

  const ambiguous = await runCli(['deployments', 'show', name], { env });
  t.is(ambiguous.code, 2);
  t.is(ambiguous.stderr, `rsgo: '${name}' is deployed in several environments; choose one with --env.\n`);
  const chosen = await runCli(['deployments', 'show', name, '--env', 'local', '--json'], { env });
  t.is(chosen.code, 0, chosen.stderr);
  t.like(chosen.json(), { deployment: { stackName: name, environmentId: host.environmentId, status: 'Running' } });

  const all = await runCli(['deployments', 'list'], { env });
  t.regex(all.stdout, new RegExp(`\\n${uuid} +${name} +com\\.acme\\.shop +1\\.2\\.0 +Running +local `));
  t.regex(all.stdout, new RegExp(`\\n${uuid} +${name} +com\\.acme\\.shop +1\\.2\\.0 +Failed +remote `));

  const unknown = await runCli(['deployments', 'show', 'nope'], { env });
  t.is(unknown.code, 1);
  t.is(unknown.stderr, "rsgo: No deployment named 'nope'.\n");
  const failed = await runCli(['deployments', 'show', name, '--env', 'remote', '--json'], { env });
  t.like(failed.json(), { deployment: { stackName: name, status: 'Failed' } });
});

test.serial('an unreachable host exits 4 from catalog, deploy and deployments alike', async (t) => {
  const env = { RSGO_URL: 'http://127.0.0.1:9', RSGO_TOKEN: 'x' };
  for (const args of [['catalog', 'sync'], ['catalog', 'list'], ['deploy', 'com.acme.shop', '--name', 'shop'], ['deployments', 'list'], ['deployments', 'show', 'shop']]) {
    const run = await runCli(args, { env });
    t.is(run.code, 4, args.join(' '));
    t.regex(run.stderr, /rsgo: Cannot reach the host at http:\/\/127\.0\.0\.1:9: connection refused\.\n$/, args.join(' '));
  }
  const json = await runCli(['deploy', 'com.acme.shop', '--name', 'shop', '--json'], { env });
  t.like(json.json(), { success: false, code: 'UNREACHABLE' });
});

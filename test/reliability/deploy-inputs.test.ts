import test, { type ExecutionContext } from 'ava';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createKey } from '../support/api-keys.js';
import { docker } from '../support/docker-cli.js';
import { idleCommand, useDeployHost, type DeployTestHost } from '../support/deploy-host.js';
import { testImages } from '../support/test-images.js';

const images = testImages('reliability-deploy-inputs');

/** Product `Files` at `version`: service `app` mounts `${DATA_VOL:-data}` and shows `GREETING`. */
function filesVersion(version: string, image: string): string {
  return `metadata: { name: Files, productId: com.example.files, productVersion: "${version}" }
variables:
  GREETING: { default: hello }
services:
  app:
    image: ${image}
    command: ${idleCommand()}
    environment: { GREETING: "\${GREETING}" }
    volumes: ["\${DATA_VOL:-data}:/data"]
`;
}

/**
 * A host with product `Files` 1.0.0 and 2.0.0, stack `files-<random>` deployed at 1.0.0 by the
 * admin, and a redeploy-only key scoped to the environment: the caller the attack used.
 */
async function filesHost(t: ExecutionContext) {
  const image = await images.push('app');
  const host = await useDeployHost(t, {
    manifests: { 'files-1.yaml': filesVersion('1.0.0', image.ref), 'files-2.yaml': filesVersion('2.0.0', image.ref) },
  });
  const stackName = `files-${randomBytes(4).toString('hex')}`;
  const deployed = await host.admin('POST', '/api/deployments', { environmentId: host.environmentId, stackName, productId: 'com.example.files', version: '1.0.0' });
  t.is(deployed.status, 201, deployed.text);
  const key = await createKey(t, host, { name: 'pipeline', permissions: ['Hooks.Redeploy', 'Hooks.Upgrade'], environmentId: host.environmentId });
  return { host, stackName, deploymentId: String(deployed.body['deploymentId']), key: key.fullKey };
}

const hook = (host: DeployTestHost, apiKey: string, path: string, body: Record<string, unknown>) =>
  host.host.request('POST', `/api/hooks/${path}`, { apiKey, body });

/** Id, state and bind-mounted host paths of the stack's container. */
const containerState = (stackName: string) =>
  docker('container', 'inspect', '--format', '{{.Id}} {{.State.Status}} {{range .Mounts}}{{.Type}}:{{.Source}} {{end}}', `${stackName}_app`);

async function record(host: DeployTestHost, id: string) {
  return (await host.admin('GET', `/api/deployments/${id}`)).body['deployment'] as Record<string, unknown> & { history: unknown[] };
}

test.serial("a redeploy-only key cannot bind-mount the host's / (or any host path) through a placeholder", async (t) => {
  const { host, stackName, deploymentId, key } = await filesHost(t);
  const before = await containerState(stackName);
  t.regex(before, / running volume:\S+$/);

  for (const value of ['/', '/var/run/docker.sock', '/etc/../']) {
    const res = await hook(host, key, 'redeploy', { stackName, variables: { DATA_VOL: value } });
    t.is(res.status, 400, res.text);
    t.like(res.body, { success: false, code: 'BIND_NOT_ALLOWED', deploymentId, status: 'Running' });
    t.regex(String(res.body['message']), /which is a host path\. Host paths outside a stack's folder must lie under the docker-runtime option allowedBindRoots \(now empty\)\./);
  }
  const escape = await hook(host, key, 'redeploy', { stackName, variables: { DATA_VOL: '../../../../../../' } });
  t.is(escape.status, 400, escape.text);
  t.like(escape.body, { code: 'BIND_NOT_ALLOWED', message: `Bind mount not allowed: '../../../../../../' leaves the stack's folder ${join(host.host.dataDir, 'stacks', stackName)}. Nothing was changed.` });

  t.is(await containerState(stackName), before, 'the same container runs, with its volume only');
  t.like(await record(host, deploymentId), { status: 'Running', variables: { GREETING: 'hello' } });
  t.false('DATA_VOL' in ((await record(host, deploymentId))['variables'] as Record<string, string>));
});

test.serial("a relative source is mounted from the host's folder for the stack", async (t) => {
  const { host, stackName, key } = await filesHost(t);
  const res = await hook(host, key, 'redeploy', { stackName, variables: { DATA_VOL: './files' } });
  t.is(res.status, 200, res.text);
  t.regex(await containerState(stackName), new RegExp(` running bind:${join(host.host.dataDir, 'stacks', stackName, 'files')}$`));
});

test.serial('variables the manifest neither declares nor uses are refused on every path, and nothing changes', async (t) => {
  const { host, stackName, deploymentId, key } = await filesHost(t);
  const before = await containerState(stackName);
  const historyBefore = (await record(host, deploymentId)).history.length;
  const variables = { GREETING: 'moin', NOT_DECLARED: 'x', ALSO_NOT: 'y' };

  const answers = [
    await hook(host, key, 'redeploy', { stackName, variables }),
    await hook(host, key, 'upgrade', { stackName, targetVersion: '2.0.0', variables }),
    await host.admin('POST', '/api/deployments', { environmentId: host.environmentId, stackName: `${stackName}-b`, productId: 'com.example.files', variables }),
    await host.admin('POST', '/api/product-deployments', { environmentId: host.environmentId, productId: 'com.example.files', deploymentName: `${stackName}-p`, variables }),
  ];
  for (const res of answers) {
    t.is(res.status, 400, res.text);
    t.like(res.body, { success: false, code: 'VARIABLE_UNKNOWN', message: 'Unknown variables: NOT_DECLARED, ALSO_NOT.' });
  }

  t.is(await containerState(stackName), before);
  const after = await record(host, deploymentId);
  t.like(after, { status: 'Running', stackVersion: '1.0.0', variables: { GREETING: 'hello' } });
  t.is(after.history.length, historyBefore);
  const listed = (await host.admin('GET', '/api/deployments')).body['deployments'] as unknown[];
  t.is(listed.length, 1, 'no deployment was created');
});

test.serial('a value with a control character is refused before anything stops; the key can still redeploy afterwards', async (t) => {
  const { host, stackName, deploymentId, key } = await filesHost(t);
  const before = await containerState(stackName);

  for (const value of ['a\u0000b', 'bell\u0007', 'esc\u001b[31m']) {
    const res = await hook(host, key, 'redeploy', { stackName, variables: { GREETING: value } });
    t.is(res.status, 400, res.text);
    t.like(res.body, {
      success: false,
      code: 'VARIABLE_INVALID',
      message: 'Variable values may not hold control characters other than tab, LF and CR: GREETING.',
    });
  }
  t.is(await containerState(stackName), before);
  t.like(await record(host, deploymentId), { status: 'Running' });

  const fine = await hook(host, key, 'redeploy', { stackName, variables: { GREETING: 'one\r\n\ttwo' } });
  t.is(fine.status, 200, fine.text);
  t.is(await docker('exec', `${stackName}_app`, 'sh', '-c', 'printf %s "$GREETING"'), 'one\r\n\ttwo');
});

test.serial("stacks whose names and volume names would once have collided get volumes of their own", async (t) => {
  const image = await images.push('app');
  const product = (id: string, volume: string) => `metadata: { name: ${id}, productId: com.example.${id}, productVersion: "1.0.0" }
services:
  app:
    image: ${image.ref}
    command: ${idleCommand(`test -f /data/owner || echo ${id} > /data/owner`)}
    volumes: ["${volume}:/data"]
`;
  const host = await useDeployHost(t, { manifests: { 'a.yaml': product('alpha', 'db_data'), 'b.yaml': product('beta', 'data') } });
  const shop = `shop${randomBytes(4).toString('hex')}`;
  for (const [stackName, productId] of [[shop, 'com.example.alpha'], [`${shop}_db`, 'com.example.beta']]) {
    const res = await host.admin('POST', '/api/deployments', { environmentId: host.environmentId, stackName, productId });
    t.is(res.status, 201, res.text);
  }
  t.is(await docker('exec', `${shop}_app`, 'cat', '/data/owner'), 'alpha');
  t.is(await docker('exec', `${shop}_db_app`, 'cat', '/data/owner'), 'beta');
  t.is(await docker('container', 'inspect', '--format', '{{range .Mounts}}{{.Name}}{{end}}', `${shop}_db_app`), `${shop}__db_data`);
});

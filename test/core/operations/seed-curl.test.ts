import test from 'ava';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { createKey } from '../../support/api-keys.js';
import { docker } from '../../support/docker-cli.js';
import { idleCommand, useDeployHost } from '../../support/deploy-host.js';
import { runShell } from '../../support/run-shell.js';
import { testImages } from '../../support/test-images.js';

const images = testImages('deployments-seed-curl');

/** The seed document's pipeline commands, character for character. */
const seedRedeploy = `curl -sf -X POST https://rsgo.example.com/api/hooks/redeploy \\
  -H "X-Api-Key: rsgo_a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6" \\
  -H "Content-Type: application/json" \\
  -d '{"stackName": "ams-project"}'`;
const seedSync = `curl -sf -X POST https://rsgo.example.com/api/hooks/sync-sources \\
  -H "X-Api-Key: rsgo_..."`;
const seedUpgrade = `curl -sf -X POST https://rsgo.example.com/api/hooks/upgrade \\
  -H "X-Api-Key: rsgo_..." \\
  -H "Content-Type: application/json" \\
  -d '{"stackName": "ams-project", "targetVersion": "6.5.0"}'`;

test.serial("the seed's curl commands exit 0 when the hook succeeds and non-zero for every failure class", async (t) => {
  const image = await images.push('app');
  const version = (v: string) => `metadata: { name: AMS Project, productId: ams.project, productVersion: "${v}" }
services:
  app:
    image: ${image.ref}
    command: ${idleCommand()}
`;
  const host = await useDeployHost(t, { manifests: { 'ams-6.4.0.yaml': version('6.4.0'), 'ams-6.5.0.yaml': version('6.5.0') } });
  // The stack name is the one thing changed besides address and key: names on the engine are
  // shared by every test run on this machine.
  const stackName = `ams-project-${randomBytes(3).toString('hex')}`;
  const deployed = await host.admin('POST', '/api/deployments', { environmentId: host.environmentId, stackName, productId: 'ams.project', version: '6.4.0' });
  t.is(deployed.status, 201, deployed.text);
  const key = await createKey(t, host, {
    name: 'Azure DevOps Deploy',
    permissions: ['Hooks.Redeploy', 'Hooks.Upgrade', 'Hooks.SyncSources'],
    environmentId: host.environmentId,
  });
  const syncOnly = await createKey(t, host, { name: 'sync only', permissions: ['Hooks.SyncSources'] });

  const run = async (command: string, apiKey = key.fullKey) => {
    const script = command
      .replaceAll('https://rsgo.example.com', host.host.url)
      .replaceAll('rsgo_a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6', apiKey)
      .replaceAll('rsgo_...', apiKey)
      .replaceAll('ams-project', stackName);
    return (await runShell('sh', ['-c'], script, {})).code;
  };
  const containerId = () => docker('container', 'inspect', '--format', '{{.Id}}', `${stackName}_app`);

  const before = await containerId();
  t.is(await run(seedRedeploy), 0);
  t.not(await containerId(), before);
  t.is(await run(seedSync), 0);
  t.is(await run(seedUpgrade), 0);
  t.like((await host.admin('GET', `/api/deployments/${String(deployed.body['deploymentId'])}`)).body['deployment'], { stackVersion: '6.5.0', status: 'Running' });

  t.is(await run(seedRedeploy, 'rsgo_UnknownKeyUnknownKeyUnknownKey00'), 22, '401');
  t.is(await run(seedRedeploy, syncOnly.fullKey), 22, '403');
  t.is(await run(seedUpgrade), 22, '400: already running 6.5.0');
  t.is(await run(seedRedeploy.replace('"ams-project"', '"no-such-stack"')), 22, '400: unknown stack');
  await rm(host.catalogDir, { recursive: true, force: true });
  t.is(await run(seedSync), 22, '500: a catalog source failed');
});

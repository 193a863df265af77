import test from 'ava';
import { randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { docker } from '../support/docker-cli.js';
import { removeDeploymentResources } from '../support/docker-cleanup.js';
import { freePort } from '../support/free-port.js';
import { startHostProcess } from '../support/host-process.js';
import { runShell } from '../support/run-shell.js';
import { testImages } from '../support/test-images.js';

const images = testImages('docs-readme');

/** The shell block of the README section `heading`. */
async function readmeShellBlock(heading: string): Promise<string> {
  const readme = await readFile('README.md', 'utf8');
  const section = readme.slice(readme.indexOf(`## ${heading}\n`));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error(`README.md has no sh block under "${heading}"`);
  return block;
}

test("the README's walkthrough runs as written: sign-in, deploy of the example stack, a key, and a redeploy by curl", async (t) => {
  // The shipped config and example catalog, laid out as in the repository. The example's image
  // comes from Docker Hub, which this machine cannot reach: it is swapped for a local one that
  // serves HTTP the same way, and its host port for a free one.
  const root = await mkdtemp(join(tmpdir(), 'rsgo-readme-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  await mkdir(join(root, 'stacks'));
  await cp('config/rsgo.yaml', join(root, 'config', 'rsgo.yaml'));
  const image = await images.push('whoami');
  const whoamiPort = await freePort();
  const manifest = (await readFile('stacks/whoami.yaml', 'utf8'))
    .replace(/image: traefik\/whoami:\S+/, `image: ${image.ref}\n    command: ["httpd", "-f", "-p", "80", "-h", "/www"]`)
    .replace('default: "8081"', `default: "${whoamiPort}"`);
  t.not(manifest, await readFile('stacks/whoami.yaml', 'utf8'));
  await writeFile(join(root, 'stacks', 'whoami.yaml'), manifest);

  const password = randomBytes(9).toString('base64url');
  const port = await freePort();
  const host = await startHostProcess(t, join(root, 'config', 'rsgo.yaml'), { RSGO_ADMIN_PASSWORD: password, RSGO_PORT: String(port) });

  // Verbatim but for the address the host listens on.
  const script = (await readmeShellBlock('From clone to a redeploy triggered by curl')).replace(
    'URL=http://127.0.0.1:8080',
    `URL=http://127.0.0.1:${port}`,
  );
  t.true(script.includes(`URL=http://127.0.0.1:${port}`));
  const run = await runShell('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c'], script, { RSGO_ADMIN_PASSWORD: password });
  const [deployed, redeployed] = run.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const deploymentId = deployed?.['deploymentId'];
  if (typeof deploymentId === 'string') t.teardown(() => removeDeploymentResources(deploymentId));

  t.is(run.code, 0, `${run.stdout}\n${run.stderr}\n${host.output()}`);
  t.like(deployed, { success: true, stackName: 'whoami', stackVersion: '1.0.0', status: 'Running' });
  t.like(redeployed, { success: true, message: "Successfully triggered redeploy of 'whoami'.", deploymentId, stackName: 'whoami', stackVersion: '1.0.0' });

  // What runs is the redeployed container, answering on the example's port.
  const [state, image_] = (await docker('container', 'inspect', '--format', '{{.State.Status}} {{.Config.Image}}', 'whoami_whoami')).split(' ');
  t.is(state, 'running');
  t.is(image_, image.ref);
  const answer = await fetch(`http://127.0.0.1:${whoamiPort}/`);
  t.is((await answer.text()).trim(), image.variant);
});

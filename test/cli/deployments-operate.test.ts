import test from 'ava';
import { randomBytes } from 'node:crypto';
import { useDeployHost } from '../support/deploy-host.js';
import { docker } from '../support/docker-cli.js';
import { runCli } from '../support/run-cli.js';
import { testImages } from '../support/test-images.js';

const images = testImages('cli-deployments-operate');

/** Product `com.example.echo`: `web` prints its password and a line on stderr, then idles. */
function echoManifest(image: string): string {
  return `metadata:
  name: Echo
  productId: com.example.echo
  productVersion: "1.0.0"
variables:
  TOKEN_PASSWORD: { type: Password, required: true }
services:
  web:
    image: ${image}
    environment: { TOKEN_PASSWORD: "\${TOKEN_PASSWORD}" }
    command: ${JSON.stringify(['sh', '-c', `echo "hello $TOKEN_PASSWORD"; echo oops >&2; trap 'exit 0' TERM; sleep 3600 & wait`])}
`;
}

test.serial('rsgo deployments stop, start, restart and logs act on a deployment by name', async (t) => {
  const image = await images.push('app');
  const host = await useDeployHost(t, { manifests: { 'echo.yaml': echoManifest(image.ref) } });
  const stackName = `echo-${randomBytes(4).toString('hex')}`;
  const deployed = await host.admin('POST', '/api/deployments', { environmentId: host.environmentId, stackName, productId: 'com.example.echo', variables: { TOKEN_PASSWORD: 'tok-secret-42' } });
  t.is(deployed.status, 201, deployed.text);
  const env = { RSGO_URL: host.host.url, RSGO_TOKEN: host.token };
  const state = () => docker('container', 'inspect', '--format', '{{.State.Status}}', `${stackName}_web`);

  const logs = await runCli(['deployments', 'logs', stackName, '--service', 'web'], { env });
  t.is(logs.code, 0, logs.stderr);
  const printed = logs.stdout.trim().split('\n');
  t.is(printed.length, 2);
  t.regex(printed.find((line) => line.includes('hello')) ?? '', /^\d{4}-\d\d-\d\dT[\d:.]+Z web \| hello \*{8}$/);
  t.regex(printed.find((line) => line.includes('oops')) ?? '', /^\S+ web \(stderr\) \| oops$/);
  t.false(logs.stdout.includes('tok-secret-42'));

  const json = await runCli(['deployments', 'logs', stackName, '--tail', '1', '--json'], { env });
  t.is((JSON.parse(json.stdout) as { lines: unknown[] }).lines.length, 1);

  const tooMany = await runCli(['deployments', 'logs', stackName, '--tail', '5001'], { env });
  t.is(tooMany.code, 2);
  t.regex(tooMany.stderr, /Invalid --tail '5001': expected at most 5000\./);
  const unknown = await runCli(['deployments', 'logs', stackName, '--service', 'nope'], { env });
  t.is(unknown.code, 1);
  t.regex(unknown.stderr, /Service 'nope' not found in deployment/);

  const stopped = await runCli(['deployments', 'stop', stackName], { env });
  t.is(stopped.code, 0, stopped.stderr);
  t.is(stopped.stdout.trim(), `Stopped '${stackName}': Stopped.`);
  t.is(await state(), 'exited');

  const restartStopped = await runCli(['deployments', 'restart', stackName], { env });
  t.is(restartStopped.code, 1);
  t.regex(restartStopped.stderr, /Only running deployments can be restarted\. Current status: Stopped/);

  const started = await runCli(['deployments', 'start', stackName, '--json'], { env });
  t.is(started.code, 0, started.stderr);
  t.like(JSON.parse(started.stdout), { success: true, deployment: { stackName, status: 'Running' } });
  t.is(await state(), 'running');

  const restarted = await runCli(['deployments', 'restart', stackName], { env });
  t.is(restarted.code, 0, restarted.stderr);
  t.is(restarted.stdout.trim(), `Restarted '${stackName}': Running.`);
});

import type { ExecutionContext } from 'ava';
import { randomBytes } from 'node:crypto';
import { idleCommand, useDeployHost, type DeployHostOptions, type DeployTestHost } from './deploy-host.js';
import type { TestImages } from './test-images.js';

/**
 * A deploy host whose catalog has product `Site` (`com.example.site`, one service `www`,
 * variable `MOTTO`): 1.0.0 and 2.0.0 run and become healthy; 3.0.0 exits at start.
 */
export function siteHostFor(images: TestImages) {
  return async (t: ExecutionContext, options: Pick<DeployHostOptions, 'engine' | 'database' | 'env'> = {}): Promise<DeployTestHost> => {
    const v1 = await images.push('site', { tag: '1', variant: 'one' });
    const v2 = await images.push('site', { tag: '2', variant: 'two' });
    const site = (version: string, image: string, command: string) => `metadata: { name: Site, productId: com.example.site, productVersion: "${version}" }
variables:
  MOTTO: { default: plain }
services:
  www:
    image: ${image}
    restart: "no"
    environment: { MOTTO: "\${MOTTO}" }
    command: ${command}
    healthCheck: { test: ["CMD-SHELL", "test -f /tmp/up"], interval: 1s, timeout: 5s, retries: 120 }
`;
    return useDeployHost(t, {
      ...options,
      manifests: {
        'site-1.yaml': site('1.0.0', v1.ref, idleCommand('touch /tmp/up')),
        'site-2.yaml': site('2.0.0', v2.ref, idleCommand('touch /tmp/up')),
        'site-3.yaml': site('3.0.0', v2.ref, JSON.stringify(['sh', '-c', 'echo "cannot start" >&2; exit 4'])),
      },
    });
  };
}

/** Deploys a fresh `site-<random>` stack at 1.0.0 and returns its name and id. */
export async function deploySite(t: ExecutionContext, host: DeployTestHost): Promise<{ stackName: string; deploymentId: string }> {
  const stackName = `site-${randomBytes(4).toString('hex')}`;
  const deployed = await host.admin('POST', '/api/deployments', { environmentId: host.environmentId, stackName, productId: 'com.example.site', version: '1.0.0' });
  t.is(deployed.status, 201, deployed.text);
  return { stackName, deploymentId: String(deployed.body['deploymentId']) };
}

/** How many redeploys the deployment's history holds. */
export async function redeployCount(host: DeployTestHost, deploymentId: string): Promise<number> {
  const deployment = (await host.admin('GET', `/api/deployments/${deploymentId}`)).body['deployment'] as { history: Array<{ operation: string }> };
  return deployment.history.filter((entry) => entry.operation === 'redeploy').length;
}

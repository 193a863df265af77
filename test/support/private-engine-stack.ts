import type { ExecutionContext } from 'ava';
import { randomBytes } from 'node:crypto';
import type { TestResponse } from '../../core/testing.js';
import { createKey } from './api-keys.js';
import { idleCommand, useDeployHost, type DeployTestHost } from './deploy-host.js';
import { startPrivateDockerd, type PrivateDockerd } from './private-dockerd.js';
import type { TestImages } from './test-images.js';

/** A deployment as `GET /api/deployments/:id` shows it, as far as these tests look. */
export interface DeploymentView {
  readonly status: string;
  readonly errorMessage: string | null;
  readonly services: ReadonlyArray<{ containerId: string; status: string }>;
  readonly history: ReadonlyArray<{ operation: string; outcome: string; message: string | null }>;
}

export interface PrivateEngineStack {
  readonly engine: PrivateDockerd;
  readonly host: DeployTestHost;
  readonly deploymentId: string;
  /** The redeploy webhook for the stack, called with a redeploy-only key of its environment. */
  redeploy(): Promise<TestResponse>;
  record(): Promise<DeploymentView>;
}

/**
 * A host, a private engine of the test's own as environment `environmentName`, and one stack
 * of one idle service running there. `config` holds host config sections (e.g. `deployments`).
 */
export async function stackOnPrivateEngine(
  t: ExecutionContext,
  options: { images: TestImages; environmentName: string; config?: Record<string, unknown> },
): Promise<PrivateEngineStack> {
  const engine = await startPrivateDockerd(t);
  const image = await options.images.push('app');
  const host = await useDeployHost(t, {
    manifests: {
      'app.yaml': `metadata: { name: App, productVersion: "1.0.0" }\nservices:\n  app:\n    image: ${image.ref}\n    command: ${idleCommand()}\n`,
    },
    ...(options.config ? { config: options.config } : {}),
  });
  const created = await host.admin('POST', '/api/environments', { name: options.environmentName, type: 'docker', dockerHost: engine.dockerHost });
  t.is(created.status, 201, created.text);
  const environmentId = (created.body['environment'] as { id: string }).id;
  const stackName = `app-${randomBytes(4).toString('hex')}`;
  const deployed = await host.admin('POST', '/api/deployments', { environmentId, stackName, productId: 'stacks:App' });
  t.is(deployed.status, 201, deployed.text);
  const deploymentId = String(deployed.body['deploymentId']);
  const key = await createKey(t, host, { name: 'ci', permissions: ['Hooks.Redeploy'], environmentId });
  return {
    engine,
    host,
    deploymentId,
    redeploy: () => host.host.request('POST', '/api/hooks/redeploy', { apiKey: key.fullKey, body: { stackName } }),
    record: async () => (await host.admin('GET', `/api/deployments/${deploymentId}`)).body['deployment'] as DeploymentView,
  };
}

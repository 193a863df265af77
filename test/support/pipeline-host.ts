import type { ExecutionContext } from 'ava';
import { createKey } from './api-keys.js';
import type { DeployTestHost } from './deploy-host.js';
import { docker } from './docker-cli.js';
import { deploySite, siteHostFor } from './site-catalog.js';
import type { TestImages } from './test-images.js';

/**
 * A real host as a pipeline sees it, with the `Site` catalog (see {@link siteHostFor}) and one
 * stack of it deployed at 1.0.0 on the real engine.
 */
export interface PipelineHost {
  readonly host: DeployTestHost;
  readonly environmentId: string;
  /** The deployed stack; its one container is `<stackName>_www`. */
  readonly stackName: string;
  readonly deploymentId: string;
  /** `RSGO_URL` and `RSGO_API_KEY` (every hook, scoped to the default environment), the pipeline variables. */
  readonly env: { readonly RSGO_URL: string; readonly RSGO_API_KEY: string };
  /** The id of the stack's container now: a redeploy or an upgrade replaces it. */
  containerId(): Promise<string>;
  /** Runs `script` in the stack's container and returns its output. */
  inContainer(script: string): Promise<string>;
}

/** Starts pipeline hosts whose images are pushed under `images` (one scope per test file). */
export function pipelineHostFor(images: TestImages) {
  const siteHost = siteHostFor(images);
  return async (t: ExecutionContext): Promise<PipelineHost> => {
    const host = await siteHost(t);
    const { stackName, deploymentId } = await deploySite(t, host);
    const key = await createKey(t, host, { name: 'pipeline', permissions: ['Hooks.Redeploy', 'Hooks.Upgrade', 'Hooks.SyncSources'], environmentId: host.environmentId });
    const container = `${stackName}_www`;
    return {
      host,
      environmentId: host.environmentId,
      stackName,
      deploymentId,
      env: { RSGO_URL: host.host.url, RSGO_API_KEY: key.fullKey },
      containerId: () => docker('container', 'inspect', '--format', '{{.Id}}', container),
      inContainer: (script) => docker('exec', container, 'sh', '-c', script),
    };
  };
}

/** The `hook.call` audit rows of the host, oldest first (their intent included). */
export async function hookCallEvents({ host }: PipelineHost): Promise<Array<Record<string, unknown>>> {
  await host.host.host.audit.flush();
  const res = await host.admin('GET', '/api/audit');
  return (res.body['events'] as Array<Record<string, unknown>>).filter((e) => e['action'] === 'hook.call').reverse();
}

import { type DeployContext, type DeployPlan, type PlannedService } from '../../core/plugin-api.js';
import { containerFailure } from './container-failure.js';
import type { DeployDeadline } from './deploy-deadline.js';
import type { DockerEngine } from './docker-engine.js';
import { launchContainer, type LaunchOptions } from './launch-container.js';
import { OUTPUT_GRACE_MS, relayContainerOutput } from './relay-container-output.js';

/**
 * Runs one `lifecycle: init` service to completion: it must exit 0 within its
 * `initTimeoutSeconds` (and the deploy's deadline). The exited container is kept, labelled with
 * the deployment, so its logs stay readable until the next deploy replaces it. Its output goes
 * to the operation's followers: all of it when it exits, until then when it is given up on.
 */
export async function runInitService(
  engine: DockerEngine,
  plan: DeployPlan,
  service: PlannedService,
  deadline: DeployDeadline,
  launching: LaunchOptions,
  context: DeployContext,
): Promise<void> {
  const { progress } = launching;
  progress({ service: service.name, step: 'init', message: `Running init container ${service.containerName}` });
  const { id } = await launchContainer(engine, plan, service, launching);
  const limit = deadline.within(service.initTimeoutSeconds * 1000);
  const relay = relayContainerOutput(engine, id, service.name, context);
  let exitCode: number;
  try {
    exitCode = await engine.waitContainer(id, limit.signal);
  } catch (err) {
    relay.stop();
    if (!limit.signal.aborted) throw err;
    // It is still running: kill it so it cannot finish its work after the deploy gave up on it.
    await engine.stopContainer(id, 0);
    const reason = deadline.expired
      ? `Init service '${service.name}' did not finish: ${deadline.reason}`
      : `Init service '${service.name}' did not finish within ${service.initTimeoutSeconds}s`;
    throw await containerFailure(engine, id, reason);
  } finally {
    limit.release();
  }
  await relay.finish(OUTPUT_GRACE_MS);
  if (exitCode !== 0) {
    throw await containerFailure(engine, id, `Init service '${service.name}' exited with code ${exitCode}`);
  }
  progress({ service: service.name, step: 'init', message: `Init container ${service.containerName} completed` });
}

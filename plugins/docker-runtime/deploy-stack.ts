import { DeploymentFailedError, errorMessage, type DeployContext, type DeployPlan, type PlannedService } from '../../core/plugin-api.js';
import { assertAllowedBinds } from './assert-allowed-binds.js';
import type { DeployDeadline } from './deploy-deadline.js';
import type { DockerEngine } from './docker-engine.js';
import { removeDeploymentContainers, stopDeploymentContainers, type StopOptions } from './deployment-containers.js';
import { deploymentLabels } from './deployment-labels.js';
import { ensureStackResources } from './ensure-stack-resources.js';
import { launchContainer, type LaunchedContainer } from './launch-container.js';
import { pullImages, type PullPolicy } from './pull-images.js';
import { removeUnusedNetworks } from './remove-unused-networks.js';
import { runInitService } from './run-init-service.js';
import { startOrder } from './start-order.js';
import { SETTLE_MS, waitUntilReady } from './wait-until-ready.js';

/** How a deploy pulls and stops, and which host folders it may bind-mount. */
export interface DeploySettings {
  readonly pull: PullPolicy;
  readonly stopTimeoutSeconds: number;
  /** `undefined`: any host path. */
  readonly allowedBindRoots: readonly string[] | undefined;
}

/**
 * Makes the environment run exactly the plan's services (deploy, redeploy, upgrade, rollback).
 * Everything that can fail without side effects comes first: binds must stay in the allowed
 * roots, the engine must answer, every image is pulled and no container name may belong to
 * something else. Only then are the
 * deployment's old containers replaced: init services run to completion, services start in
 * `dependsOn` order, and the deploy waits until each runs and is healthy. When starting fails,
 * the new containers are stopped (kept for their logs) and the failure names the service.
 */
export async function deployStack(
  engine: DockerEngine,
  plan: DeployPlan,
  context: DeployContext,
  deadline: DeployDeadline,
  settings: DeploySettings,
): Promise<void> {
  const stop: StopOptions = { stopTimeoutSeconds: settings.stopTimeoutSeconds, progress: context.progress };
  await assertAllowedBinds(plan, settings.allowedBindRoots);
  await engine.ping();
  await pullImages(engine, plan.services, { policy: settings.pull, deadline, progress: context.progress });
  await assertNoNameClashes(engine, plan);
  deadline.check('Deploy stopped before replacing any container');
  await ensureStackResources(engine, plan, context.progress);

  // The point of no return: from here on the old containers are gone.
  await removeDeploymentContainers(engine, plan.deploymentId, stop);
  const planNetworks = new Set(plan.networks.filter((n) => !n.external).map((n) => n.name));
  await removeUnusedNetworks(engine, plan.deploymentId, planNetworks, context);
  try {
    await startServices(engine, plan, context, deadline);
  } catch (err) {
    try {
      await stopDeploymentContainers(engine, plan.deploymentId, stop);
    } catch (stopError) {
      context.log.warn({ reason: errorMessage(stopError) }, 'could not stop the containers of the failed deploy');
    }
    throw err;
  }
}

/** Refuses a plan whose container names are taken by containers of another deployment (or none). */
async function assertNoNameClashes(engine: DockerEngine, plan: DeployPlan): Promise<void> {
  const clashes: string[] = [];
  for (const service of plan.services) {
    const existing = await engine.inspectContainer(service.containerName);
    if (existing && existing.labels[deploymentLabels.deployment] !== plan.deploymentId) {
      const owner = existing.labels[deploymentLabels.deployment];
      clashes.push(`'${service.containerName}' (service '${service.name}') is taken by ${owner ? `deployment ${owner}` : 'a container this host did not deploy'}`);
    }
  }
  if (clashes.length > 0) {
    throw new DeploymentFailedError(`Container name ${clashes.join('; ')}. Nothing was changed.`, { code: 'CONTAINER_NAME_CONFLICT' });
  }
}

async function startServices(engine: DockerEngine, plan: DeployPlan, context: DeployContext, deadline: DeployDeadline): Promise<void> {
  const { progress } = context;
  for (const init of startOrder(plan.services.filter((s) => s.lifecycle === 'init'))) {
    await runInitService(engine, plan, init, deadline, progress);
  }

  const launched = new Map<string, { service: PlannedService; container: LaunchedContainer }>();
  for (const service of startOrder(plan.services.filter((s) => s.lifecycle === 'service'))) {
    // A dependency must be up (and healthy, when it has a check) before its dependents start,
    // so they do not crash on a database that is not listening yet.
    for (const name of service.dependsOn) {
      const dependency = launched.get(name);
      if (dependency) await waitUntilReady(engine, dependency.service, dependency.container, deadline, { settleMs: 0 });
    }
    deadline.check(`Service '${service.name}' was not started`);
    const container = await reportingFailure(service, progress, () => launchContainer(engine, plan, service, progress));
    launched.set(service.name, { service, container });
  }

  // All at once, so the settle periods overlap; the first failure stops the other waits.
  const failed = new AbortController();
  await Promise.all(
    [...launched.values()].map(async ({ service, container }) => {
      try {
        progress({ service: service.name, step: 'wait', message: `Waiting for ${service.containerName} to run${service.healthCheck ? ' and be healthy' : ''}` });
        const state = await reportingFailure(service, progress, () =>
          waitUntilReady(engine, service, container, deadline, { settleMs: SETTLE_MS, cancel: failed.signal }),
        );
        if (state) progress({ service: service.name, step: 'healthy', message: `${service.containerName} is ${state.health ? 'healthy' : 'running'}` });
      } catch (err) {
        failed.abort();
        throw err;
      }
    }),
  );
}

/** Runs one step of a service; when it fails, reports the service as failed with the reason. */
async function reportingFailure<T>(service: PlannedService, progress: DeployContext['progress'], step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    // One line: the failure's log lines come with the error itself.
    progress({ service: service.name, step: 'failed', message: errorMessage(err).split('\n')[0] ?? '' });
    throw err;
  }
}

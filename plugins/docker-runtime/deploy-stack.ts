import { DeploymentFailedError, errorMessage, type DeployContext, type DeployPlan, type PlannedService } from '../../core/plugin-api.js';
import { assertAllowedBinds } from './assert-allowed-binds.js';
import { assertCreatable } from './assert-creatable.js';
import type { DeployDeadline } from './deploy-deadline.js';
import type { DockerEngine } from './docker-engine.js';
import { removeDeploymentContainers, stopDeploymentContainers, type StopOptions } from './deployment-containers.js';
import { deploymentLabels } from './deployment-labels.js';
import { ensureStackResources } from './ensure-stack-resources.js';
import { launchContainer, type LaunchedContainer } from './launch-container.js';
import { pullImages, type PullPolicy } from './pull-images.js';
import { relayContainerOutput } from './relay-container-output.js';
import { removeUnusedNetworks } from './remove-unused-networks.js';
import { settleStackVolumes } from './stack-volumes.js';
import { runInitService } from './run-init-service.js';
import { startOrder } from './start-order.js';
import { waitUntilReady } from './wait-until-ready.js';

/** How a deploy pulls, stops and waits, and which host folders it may bind-mount. */
export interface DeploySettings {
  readonly pull: PullPolicy;
  readonly stopTimeoutSeconds: number;
  /** How long a service without a health check must be seen running to count as started. */
  readonly settleMs: number;
  /** Host folders absolute bind sources must lie under. */
  readonly allowedBindRoots: readonly string[];
}

/** Time to stop a failed deploy's containers beyond their own stop timeout. */
const CLEANUP_MARGIN_SECONDS = 30;
/**
 * How long stopping may go on once the operation's deadline passed: the host stops waiting for
 * a plugin 5 s after it and frees the stack, and nothing of this plan may touch the stack then.
 */
const CLEANUP_AFTER_DEADLINE_MS = 4_000;

/**
 * The bound of stopping a failed start: the deadline may be what failed it, so stopping gets
 * time of its own (a deploy that ran out of time still leaves no half-started stack running),
 * but never beyond shortly after the deadline.
 */
function cleanupSignal(deadline: DeployDeadline, stopTimeoutSeconds: number): AbortSignal {
  const controller = new AbortController();
  const end = () => controller.abort(new Error('stopping the failed deploy took too long'));
  setTimeout(end, (stopTimeoutSeconds + CLEANUP_MARGIN_SECONDS) * 1000).unref();
  const soonAfterDeadline = () => setTimeout(end, CLEANUP_AFTER_DEADLINE_MS).unref();
  if (deadline.expired) soonAfterDeadline();
  else deadline.signal.addEventListener('abort', soonAfterDeadline, { once: true });
  return controller.signal;
}

/**
 * Makes the environment run exactly the plan's services (deploy, redeploy, upgrade, rollback).
 * Everything that can fail without side effects comes first: the engine must be able to create
 * every container as planned, binds must stay in the allowed folders, the engine must answer,
 * every image is pulled, and no container name or volume may belong to something else. Only then are the
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
  assertCreatable(plan);
  const checked = { ...plan, services: await assertAllowedBinds(plan.services, settings.allowedBindRoots, engine.local) };
  await engine.ping();
  await pullImages(engine, plan.services, { policy: settings.pull, deadline, progress: context.progress });
  await assertNoNameClashes(engine, plan);
  const settled = await settleStackVolumes(engine, checked);
  deadline.check('Deploy stopped before replacing any container');
  await ensureStackResources(engine, settled, context.progress);

  // The point of no return: from here on the old containers are gone.
  await removeDeploymentContainers(engine, plan.deploymentId, stop);
  const planNetworks = new Set(plan.networks.filter((n) => !n.external).map((n) => n.name));
  await removeUnusedNetworks(engine, plan.deploymentId, planNetworks, context);
  try {
    await startServices(engine, settled, context, deadline, settings);
  } catch (err) {
    try {
      await stopDeploymentContainers(engine.boundedBy(cleanupSignal(deadline, settings.stopTimeoutSeconds)), plan.deploymentId, stop);
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

async function startServices(
  engine: DockerEngine,
  plan: DeployPlan,
  context: DeployContext,
  deadline: DeployDeadline,
  settings: DeploySettings,
): Promise<void> {
  const { progress } = context;
  const launching = { progress, bindRoots: settings.allowedBindRoots };
  for (const init of startOrder(plan.services.filter((s) => s.lifecycle === 'init'))) {
    await runInitService(engine, plan, init, deadline, launching, context);
  }

  const services = startOrder(plan.services.filter((s) => s.lifecycle === 'service'));
  const byName = new Map(services.map((service) => [service.name, service]));
  // The first failure decides the deploy: nothing more is launched and the other waits end.
  const failed = new AbortController();
  const failures: unknown[] = [];
  const launches = new Map<string, Promise<LaunchedContainer | null>>();

  /**
   * Launches a service once what it `dependsOn` is up (and healthy, when it has a check), so it
   * does not crash on a database that is not listening yet. Services that do not wait for each
   * other are launched side by side: the engine then starts them in parallel, which on a slow
   * engine saves most of a second per service. `null`: not launched, a failure came first.
   */
  const launch = (service: PlannedService): Promise<LaunchedContainer | null> => {
    let launched = launches.get(service.name);
    if (launched === undefined) {
      launched = (async () => {
        const dependencies = service.dependsOn.flatMap((name) => byName.get(name) ?? []);
        const upstream = await Promise.all(
          dependencies.map(async (dependency) => {
            const container = await launch(dependency);
            return container && waitUntilReady(engine, dependency, container, deadline, { settleMs: 0, cancel: failed.signal });
          }),
        );
        if (failed.signal.aborted || upstream.includes(null)) return null;
        deadline.check(`Service '${service.name}' was not started`);
        return reportingFailure(service, progress, () => launchContainer(engine, plan, service, launching));
      })();
      launches.set(service.name, launched);
    }
    return launched;
  };

  // Each service's settle period starts with its own launch, so the periods overlap. Every
  // launch is waited for, failed or not, so that no container starts after the failed deploy
  // has stopped the others.
  await Promise.all(
    services.map(async (service) => {
      try {
        const container = await launch(service);
        if (container === null || failed.signal.aborted) return;
        progress({ service: service.name, step: 'wait', message: `Waiting for ${service.containerName} to run${service.healthCheck ? ' and be healthy' : ''}` });
        // What the container writes until it is judged ready or failed goes to the followers.
        const relay = relayContainerOutput(engine, container.id, service.name, context);
        const state = await reportingFailure(service, progress, () =>
          waitUntilReady(engine, service, container, deadline, { settleMs: settings.settleMs, cancel: failed.signal }),
        ).finally(relay.stop);
        if (state) progress({ service: service.name, step: 'healthy', message: `${service.containerName} is ${state.health ? 'healthy' : 'running'}` });
      } catch (err) {
        failures.push(err);
        failed.abort();
      }
    }),
  );
  if (failures.length > 0) throw failures[0];
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

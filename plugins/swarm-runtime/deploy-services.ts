import { mkdir, stat } from 'node:fs/promises';
import { DeploymentFailedError, errorMessage, type DeployContext, type DeployPlan, type PlannedService } from '../../core/plugin-api.js';
import { assertAllowedBinds } from '../docker-runtime/assert-allowed-binds.js';
import { assertCreatable } from '../docker-runtime/assert-creatable.js';
import type { DeployDeadline } from '../docker-runtime/deploy-deadline.js';
import { deploymentFilter, deploymentLabels } from '../docker-runtime/deployment-labels.js';
import { ensureStackResources } from '../docker-runtime/ensure-stack-resources.js';
import { OUTPUT_GRACE_MS } from '../docker-runtime/relay-container-output.js';
import { removeUnusedNetworks } from '../docker-runtime/remove-unused-networks.js';
import { settleStackVolumes } from '../docker-runtime/stack-volumes.js';
import { startOrder } from '../docker-runtime/start-order.js';
import { assertSwarmManager } from './assert-swarm-manager.js';
import { awaitConvergence, type ConvergenceBounds, type Rollout } from './await-convergence.js';
import { relayTaskOutput, rolloutStart } from './relay-task-output.js';
import { resolveDigests } from './resolve-digests.js';
import { runInitJobs } from './run-init-jobs.js';
import { serviceSpec, swarmServiceName } from './service-spec.js';
import type { SwarmService, SwarmServices } from './swarm-services.js';
import { undoRollouts } from './undo-rollouts.js';

/** How a deploy waits and stops, and which host folders it may bind-mount. */
export interface SwarmDeploySettings {
  readonly convergeTimeoutSeconds: number;
  /** How long a converged service must stay so to count as converged. */
  readonly settleSeconds: number;
  readonly stopTimeoutSeconds: number;
  readonly allowedBindRoots: readonly string[];
}

/** Refuses what Swarm cannot do with a plan, before anything changes. */
function assertSwarmCan(plan: DeployPlan): void {
  const problems: string[] = [];
  for (const service of plan.services) {
    for (const port of service.ports) {
      // Swarm publishes a port on every address of a node; it cannot bind one address.
      if (port.hostIp !== null && port.hostIp !== '' && port.hostIp !== '0.0.0.0') {
        problems.push(`service '${service.name}' publishes port ${port.hostPort} on ${port.hostIp} only; Swarm publishes on every address`);
      }
    }
  }
  if (problems.length > 0) throw new DeploymentFailedError(`Swarm cannot run this plan: ${problems.join('; ')}.`, { code: 'INVALID_PLAN' });
}

/**
 * The plan's services as they are on the manager now, by service name. A name taken by a
 * service of another deployment (or by one this host did not create) fails the deploy.
 */
async function currentServices(swarm: SwarmServices, plan: DeployPlan): Promise<Map<string, SwarmService>> {
  const found = new Map<string, SwarmService>();
  const clashes: string[] = [];
  for (const service of plan.services) {
    const name = swarmServiceName(plan, service);
    const existing = await swarm.find(name);
    if (existing === null) continue;
    const owner = existing.labels[deploymentLabels.deployment];
    if (owner === plan.deploymentId) found.set(name, existing);
    else clashes.push(`'${name}' is taken by ${owner ? `deployment ${owner}` : 'a service this host did not deploy'}`);
  }
  if (clashes.length > 0) throw new DeploymentFailedError(`Service name ${clashes.join('; ')}. Nothing was changed.`, { code: 'CONTAINER_NAME_CONFLICT' });
  return found;
}

/**
 * Makes the Swarm run exactly the plan's services (deploy, redeploy, upgrade, rollback).
 * Everything that can fail without side effects comes first: the plan must suit Swarm, binds
 * must stay in the allowed folders, the engine must be a manager, every image's digest is
 * resolved and no service name may belong to something else. Init services run as jobs to
 * completion. Then each service is created or
 * updated to its image pinned by digest (a redeploy forces new tasks even when the digest did
 * not change, as it promises fresh containers), after the services it `dependsOn` converged,
 * and the deploy answers once all converged. When one fails (Swarm rolled it back, a task
 * cannot be placed or fails, time ran out), the services this deploy updated are rolled back
 * to their previous spec, the ones it created are scaled to zero (kept for their logs), and
 * the failure says why. Services and networks that left the plan go once it succeeded.
 */
export async function deployServices(
  swarm: SwarmServices,
  plan: DeployPlan,
  context: DeployContext,
  deadline: DeployDeadline,
  settings: SwarmDeploySettings,
): Promise<void> {
  const { engine } = swarm;
  assertCreatable(plan);
  assertSwarmCan(plan);
  const services = await assertAllowedBinds(plan.services, settings.allowedBindRoots, engine.local);
  await engine.ping();
  await assertSwarmManager(swarm, plan.environment.name, 'deploy');
  const images = await resolveDigests(swarm, services, deadline, context.progress);
  const existing = await currentServices(swarm, plan);
  const settled = await settleStackVolumes(engine, { ...plan, services });
  deadline.check('Deploy stopped before changing any service');
  if (engine.local) await createBindFolders(settled.services);
  await ensureStackResources(engine, settled, context.progress, { driver: 'overlay', attachable: true });

  await runInitJobs(swarm, settled, context, deadline, { images, stopGracePeriodSeconds: settings.stopTimeoutSeconds });
  const applied: Rollout[] = [];
  const limit = deadline.within(settings.convergeTimeoutSeconds * 1000);
  const bounds: ConvergenceBounds = {
    settleMs: settings.settleSeconds * 1000,
    signal: limit.signal,
    expired: (what) => (deadline.expired ? deadline.failure(what) : new DeploymentFailedError(`${what} within convergeTimeoutSeconds (${settings.convergeTimeoutSeconds}s).`)),
  };
  try {
    await rollOut(swarm, settled, context, bounds, { images, existing, applied, stopTimeoutSeconds: settings.stopTimeoutSeconds });
  } catch (err) {
    try {
      await undoRollouts(swarm, applied, context, deadline);
    } catch (undoError) {
      context.log.warn({ reason: errorMessage(undoError) }, 'could not undo the failed deploy');
    }
    throw err;
  } finally {
    limit.release();
  }

  const planned = new Set(plan.services.map((service) => swarmServiceName(plan, service)));
  for (const dropped of (await swarm.list(deploymentFilter(plan.deploymentId))).filter((service) => !planned.has(service.name))) {
    context.progress({ service: dropped.labels[deploymentLabels.service] ?? null, step: 'remove', message: `Removing service ${dropped.name}` });
    await swarm.remove(dropped.id);
  }
  const planNetworks = new Set(plan.networks.filter((n) => !n.external).map((n) => n.name));
  await removeUnusedNetworks(engine, plan.deploymentId, planNetworks, context);
}

/** What rolling out needs beyond the plan; `applied` collects every service created or updated. */
interface RollOutState {
  readonly images: ReadonlyMap<string, string>;
  readonly existing: ReadonlyMap<string, SwarmService>;
  readonly applied: Rollout[];
  readonly stopTimeoutSeconds: number;
}

/**
 * Creates or updates each service once what it `dependsOn` converged, services that wait for
 * nothing side by side, and waits for all to converge. The first failure ends every wait.
 */
async function rollOut(swarm: SwarmServices, plan: DeployPlan, context: DeployContext, bounds: ConvergenceBounds, state: RollOutState): Promise<void> {
  const failed = new AbortController();
  const scoped: ConvergenceBounds = { ...bounds, cancel: failed.signal };
  const converged = new Map<string, Promise<void>>();
  const services = plan.services.filter((service) => service.lifecycle === 'service');
  const byName = new Map(services.map((service) => [service.name, service]));
  const failures: unknown[] = [];

  const converge = (service: PlannedService): Promise<void> => {
    let done = converged.get(service.name);
    if (done === undefined) {
      done = (async () => {
        await Promise.all(service.dependsOn.flatMap((name) => byName.get(name) ?? []).map(converge));
        if (failed.signal.aborted) return;
        const start = await rolloutStart(swarm, state.existing.get(swarmServiceName(plan, service))?.id ?? null, context);
        const rollout = await apply(swarm, plan, service, context, state);
        state.applied.push(rollout);
        // What the new tasks write until Swarm converged (or failed) goes to the followers.
        const relay = relayTaskOutput(swarm, rollout.id, service.name, context, start);
        try {
          await awaitConvergence(swarm, rollout, context.progress, scoped);
        } finally {
          await relay.finish(OUTPUT_GRACE_MS);
        }
        context.progress({ service: service.name, step: 'healthy', message: `${rollout.name} converged` });
      })();
      converged.set(service.name, done);
    }
    return done;
  };

  await Promise.all(
    startOrder(services).map(async (service) => {
      try {
        await converge(service);
      } catch (err) {
        if (!failed.signal.aborted) failures.push(err);
        failed.abort();
      }
    }),
  );
  if (failures.length > 0) throw failures[0];
}

/** Creates the service, or updates it to the plan's spec. */
async function apply(swarm: SwarmServices, plan: DeployPlan, service: PlannedService, context: DeployContext, state: RollOutState): Promise<Rollout> {
  const name = swarmServiceName(plan, service);
  const image = state.images.get(service.image) ?? service.image;
  const current = state.existing.get(name);
  const template = current?.spec.TaskTemplate;
  const force = (template && 'ForceUpdate' in template ? (template.ForceUpdate ?? 0) : 0) + (plan.operation === 'redeploy' ? 1 : 0);
  const spec = serviceSpec(plan, service, { image, forceUpdate: force, stopGracePeriodSeconds: state.stopTimeoutSeconds });
  const auth = swarm.engine.registryAuth(service.image);
  if (current) {
    context.progress({ service: service.name, step: 'start', message: `Updating service ${name} to ${image}` });
    await swarm.update(current, spec, { auth });
    return { service: service.name, id: current.id, name, created: false };
  }
  context.progress({ service: service.name, step: 'create', message: `Creating service ${name} (${image})` });
  return { service: service.name, id: await swarm.create(spec, auth), name, created: true };
}

/**
 * Swarm does not create a missing bind source as `docker run` does; on this machine the
 * checked folders are made beforehand. Other nodes must have them.
 */
async function createBindFolders(services: readonly PlannedService[]): Promise<void> {
  for (const mount of services.flatMap((service) => service.mounts)) {
    if (mount.type === 'bind' && !(await stat(mount.source).catch(() => null))) await mkdir(mount.source, { recursive: true });
  }
}

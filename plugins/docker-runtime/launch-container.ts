import {
  DeploymentFailedError, UnavailableError, errorMessage, type DeployContext, type DeployPlan, type PlannedService,
} from '../../core/plugin-api.js';
import { assertAllowedBinds } from './assert-allowed-binds.js';
import { containerSpec } from './container-spec.js';
import { DockerEngineError, type DockerEngine } from './docker-engine.js';

/** A container that has just been started, and when: readiness is measured from then. */
export interface LaunchedContainer {
  readonly id: string;
  readonly launchedAt: Date;
}

/** Where a launch reports, and the host folders absolute bind sources must lie under. */
export interface LaunchOptions {
  readonly progress: DeployContext['progress'];
  readonly bindRoots: readonly string[];
}

/**
 * Creates and starts the container of one service. Its binds are checked again before the
 * create and once more right before the start, when the engine resolves bind paths: the deploy's
 * first check may lie minutes back (pulls), and a bind folder may have been swapped for a link
 * meanwhile. Engine refusals become deploy failures that name the service; a host port that is
 * taken is named as such.
 */
export async function launchContainer(
  engine: DockerEngine,
  plan: DeployPlan,
  planned: PlannedService,
  { progress, bindRoots }: LaunchOptions,
): Promise<LaunchedContainer> {
  progress({ service: planned.name, step: 'create', message: `Creating container ${planned.containerName}` });
  const [service = planned] = await assertAllowedBinds([planned], bindRoots, engine.local);
  let id: string;
  try {
    id = await engine.createContainer(containerSpec(plan, service));
  } catch (err) {
    throw serviceFailure(service, 'could not be created', err);
  }
  progress({ service: service.name, step: 'start', message: `Starting container ${service.containerName}` });
  await assertAllowedBinds([service], bindRoots, engine.local);
  const launchedAt = new Date();
  try {
    await engine.startContainer(id);
  } catch (err) {
    throw serviceFailure(service, 'could not be started', err);
  }
  return { id, launchedAt };
}

function serviceFailure(service: PlannedService, what: string, err: unknown): unknown {
  if (err instanceof UnavailableError) return err;
  const reason = err instanceof DockerEngineError ? err.reason : errorMessage(err);
  const port = portInUse(reason, service);
  if (port) {
    return new DeploymentFailedError(`Service '${service.name}' ${what}: host port ${port} is already in use.`, {
      code: 'PORT_IN_USE',
      cause: err,
    });
  }
  return new DeploymentFailedError(`Service '${service.name}' ${what}: ${reason}`, { cause: err });
}

/**
 * The host address and port from the engine's "port taken" errors: `Bind for 0.0.0.0:8080
 * failed: port is already allocated` (taken by another container) or `listen tcp4
 * 127.0.0.1:8080: bind: address already in use` (taken by another process).
 */
function portInUse(reason: string, service: PlannedService): string | null {
  if (!/port is already allocated|address already in use/.test(reason)) return null;
  const match = /(?:Bind for|listen (?:tcp|udp)[46]?) (\S+):(\d+)/.exec(reason);
  if (!match) return service.ports.map((p) => `${p.hostPort}/${p.protocol}`).join(', ') || 'of this service';
  const [, address, port] = match;
  const protocol = reason.includes('listen udp') ? '/udp' : '';
  return address === '0.0.0.0' || address === '::' || address === '[::]' ? `${port}${protocol}` : `${address}:${port}${protocol}`;
}

import { HostError, type DeployContext, type DeployPlan, type DeployResult } from '../../core/plugin-api.js';
import { DeployDeadline } from '../docker-runtime/deploy-deadline.js';
import { DockerEngine } from '../docker-runtime/docker-engine.js';
import { dockerEnvironment } from '../docker-runtime/docker-environment-settings.js';
import { deployServices } from './deploy-services.js';
import { inspectServices } from './inspect-services.js';
import { removeServices } from './remove-services.js';
import type { SwarmRuntimeOptions } from './swarm-runtime-options.js';
import { SwarmServices } from './swarm-services.js';

/**
 * Carries out one plan on its environment's Swarm manager and reports the deployment's
 * services as they are afterwards. `runtime` is the plugin instance's name, returned in the result.
 */
export async function carryOutSwarmPlan(plan: DeployPlan, context: DeployContext, runtime: string, options: SwarmRuntimeOptions): Promise<DeployResult> {
  // Every engine request ends with the operation: a frozen engine cannot hold it past its deadline.
  const swarm = new SwarmServices(DockerEngine.connect(dockerEnvironment(plan.environment), options, context.signal));
  const deadline = new DeployDeadline(context.signal);
  const log = context.log.child({ deploymentId: plan.deploymentId, operation: plan.operation });
  const scoped: DeployContext = { ...context, log };
  const started = Date.now();
  log.info({ stack: plan.stackName, environment: plan.environment.name, services: plan.services.length }, 'carrying out plan on swarm');

  try {
    if (plan.operation === 'remove') await removeServices(swarm, plan, scoped, deadline);
    else await deployServices(swarm, plan, scoped, deadline, options);
  } catch (err) {
    // An engine request cut off by the deadline rejects with the deadline's own reason.
    if (deadline.expired && !(err instanceof HostError)) throw deadline.failure(`The ${plan.operation} stopped`);
    throw err;
  }

  const services = await inspectServices(swarm, plan.deploymentId, plan.services.map((service) => service.name));
  log.info({ durationMs: Date.now() - started, services: services.length }, 'plan carried out on swarm');
  return { runtime, services };
}

import { HostError, type DeployContext, type DeployPlan, type DeployResult } from '../../core/plugin-api.js';
import { DeployDeadline } from './deploy-deadline.js';
import { deployStack } from './deploy-stack.js';
import { DockerEngine } from './docker-engine.js';
import { dockerEnvironment } from './docker-environment-settings.js';
import type { DockerRuntimeOptions } from './docker-runtime-options.js';
import { ignoredSwarmFields } from './ignored-swarm-fields.js';
import { inspectStack } from './inspect-stack.js';
import { removeStack } from './remove-stack.js';

/**
 * Carries out one plan on its environment's engine and reports the deployment's containers as
 * they are afterwards. `runtime` is the plugin instance's name, returned in the result.
 */
export async function carryOutPlan(
  plan: DeployPlan,
  context: DeployContext,
  runtime: string,
  options: DockerRuntimeOptions,
): Promise<DeployResult> {
  // Every engine request ends with the operation: a frozen engine cannot hold it past its deadline.
  const engine = DockerEngine.connect(dockerEnvironment(plan.environment), options, context.signal);
  const deadline = new DeployDeadline(context.signal);
  const log = context.log.child({ deploymentId: plan.deploymentId, operation: plan.operation });
  const scoped: DeployContext = { ...context, log };
  const started = Date.now();
  log.info({ stack: plan.stackName, environment: plan.environment.name, services: plan.services.length }, 'carrying out plan');
  for (const service of plan.services) {
    const ignored = ignoredSwarmFields(service);
    if (ignored.length > 0) log.warn({ service: service.name, fields: ignored }, 'Swarm fields are ignored by the docker runtime: one container per service; use a swarm environment for them');
  }

  try {
    await carryOut(engine, plan, scoped, deadline, options);
  } catch (err) {
    // An engine request cut off by the deadline rejects with the deadline's own reason.
    if (deadline.expired && !(err instanceof HostError)) throw deadline.failure(`The ${plan.operation} stopped`);
    throw err;
  }

  const services = await inspectStack(engine, plan.deploymentId, plan.services.map((service) => service.name));
  log.info({ durationMs: Date.now() - started, containers: services.length }, 'plan carried out');
  return { runtime, services };
}

async function carryOut(engine: DockerEngine, plan: DeployPlan, context: DeployContext, deadline: DeployDeadline, options: DockerRuntimeOptions): Promise<void> {
  switch (plan.operation) {
    case 'deploy':
    case 'redeploy':
    case 'upgrade':
    case 'rollback': {
      await deployStack(engine, plan, context, deadline, {
        pull: options.pull,
        stopTimeoutSeconds: options.stopTimeoutSeconds,
        settleMs: options.settleSeconds * 1000,
        allowedBindRoots: options.allowedBindRoots,
      });
      break;
    }
    case 'remove':
      await removeStack(engine, plan, context, options.stopTimeoutSeconds);
      break;
  }
}

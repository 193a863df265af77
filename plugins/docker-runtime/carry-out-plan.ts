import type { DeployContext, DeployPlan, DeployResult } from '../../core/plugin-api.js';
import { DeployDeadline } from './deploy-deadline.js';
import { deployStack } from './deploy-stack.js';
import { DockerEngine } from './docker-engine.js';
import { dockerEnvironment } from './docker-environment-settings.js';
import type { DockerRuntimeOptions } from './docker-runtime-options.js';
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
  const engine = DockerEngine.connect(dockerEnvironment(plan.environment), options);
  const log = context.log.child({ deploymentId: plan.deploymentId, operation: plan.operation });
  const scoped: DeployContext = { ...context, log };
  const started = Date.now();
  log.info({ stack: plan.stackName, environment: plan.environment.name, services: plan.services.length }, 'carrying out plan');

  switch (plan.operation) {
    case 'deploy':
    case 'redeploy':
    case 'upgrade':
    case 'rollback': {
      await deployStack(engine, plan, scoped, new DeployDeadline(context.signal), {
        pull: options.pull,
        stopTimeoutSeconds: options.stopTimeoutSeconds,
        settleMs: options.settleSeconds * 1000,
        allowedBindRoots: options.allowedBindRoots,
      });
      break;
    }
    case 'remove':
      await removeStack(engine, plan, scoped, options.stopTimeoutSeconds);
      break;
  }

  const services = await inspectStack(engine, plan.deploymentId, plan.services.map((service) => service.name));
  log.info({ durationMs: Date.now() - started, containers: services.length }, 'plan carried out');
  return { runtime, services };
}

import { DeploymentFailedError, errorMessage } from '../errors.js';
import { toHostError } from '../to-host-error.js';
import type { HostHooks } from '../hooks/host-hooks.js';
import type { DeployContext, DeployPlan, DeployResult } from '../hooks/deploy-plan.js';
import { redactorOf } from '../hooks/secret-redactor.js';

/** The plan as plugins amended it, and what the runtime did with it. */
export interface PipelineResult {
  readonly plan: DeployPlan;
  readonly result: DeployResult;
}

const amendable = new Set<DeployPlan['operation']>(['deploy', 'redeploy', 'upgrade', 'rollback']);

/**
 * Carries one plan through the hooks: `beforeDeploy` (amend or veto), `deploy` (the runtime),
 * then `afterDeploy` with the outcome, success or failure. An `afterDeploy` failure is logged
 * and never changes the outcome. `previousVersion` is what ran before, for the outcome.
 */
export async function runDeployPipeline(hooks: HostHooks, plan: DeployPlan, context: DeployContext, previousVersion: string | null = null): Promise<PipelineResult> {
  const started = performance.now();
  let current = plan;
  let result: DeployResult | null = null;
  let failure: unknown = null;
  try {
    if (amendable.has(plan.operation)) current = await hooks.beforeDeploy.promise(plan, context);
    result = (await hooks.deploy.promise(current, context)) ?? null;
    if (!result) {
      throw new DeploymentFailedError(`no runtime plugin serves environment type '${current.environment.type}'.`, { code: 'NO_RUNTIME' });
    }
    return { plan: current, result };
  } catch (err) {
    // afterDeploy taps (notifiers) see the failure: never with a Password value in it.
    failure = redactorOf(context).error(err);
    throw failure;
  } finally {
    const error = failure === null ? null : toHostError(failure);
    const outcome = {
      plan: current,
      success: failure === null,
      result,
      error: error && { message: error.message, code: error.code },
      durationMs: Math.round(performance.now() - started),
      previousVersion,
    };
    try {
      await hooks.afterDeploy.promise(outcome, context);
    } catch (err) {
      context.log.warn({ deploymentId: current.deploymentId, err: errorMessage(err) }, 'afterDeploy failed; the outcome stands');
    }
  }
}

import type { ExecutionContext } from 'ava';
import type { DeployedService, DeployPlan, DeployProgress, DeployResult } from '../../../core/plugin-api.js';
import swarmRuntime from '../../../plugins/swarm-runtime/index.js';
import { startPlugin, type PluginHarness } from '../../support/plugin-harness.js';
import { cleanUpSwarmDeployments } from '../../support/swarm-cleanup.js';
import { testDeployContext } from '../../support/test-deploy-context.js';
import { testPlan, type TestPlanInput } from '../../support/test-plan.js';

/** The swarm-runtime plugin set up for one test, and a way to hand it plans. */
export interface SwarmRuntimeFixture {
  readonly harness: PluginHarness<unknown>;
  /** Progress events of every plan run so far. */
  readonly progress: DeployProgress[];
  /** Runs the plan through the host's `deploy` hook; the deployment's services go when the test ends. */
  run(plan: DeployPlan, options?: { signal?: AbortSignal }): Promise<DeployResult | undefined>;
  /** Like {@link run}, for plans the runtime must carry out. */
  carryOut(plan: DeployPlan): Promise<DeployResult>;
  /** What the runtime reports running for the plan's deployment, asked as the host asks it. */
  inspect(plan: DeployPlan): Promise<readonly DeployedService[]>;
}

/** A plan for a `swarm` environment on the local engine. */
export function swarmPlan(input: TestPlanInput): DeployPlan {
  return testPlan({ ...input, environment: { type: 'swarm', name: 'swarm-test', ...input.environment } });
}

/** Sets the plugin up with short stop and converge bounds, plus whatever `options` adds. */
export async function startSwarmRuntime(t: ExecutionContext, options: Record<string, unknown> = {}): Promise<SwarmRuntimeFixture> {
  const harness = await startPlugin(swarmRuntime, { name: 'swarm-test', options: { stopTimeoutSeconds: 1, convergeTimeoutSeconds: 120, ...options } });
  t.teardown(() => harness.close());
  const cleaned = new Set<string>();
  const progress: DeployProgress[] = [];
  const run = async (plan: DeployPlan, runOptions: { signal?: AbortSignal } = {}) => {
    if (!cleaned.has(plan.deploymentId)) {
      cleaned.add(plan.deploymentId);
      cleanUpSwarmDeployments(t, plan.deploymentId);
    }
    const { context, progress: events } = testDeployContext(harness.log, runOptions);
    try {
      return await harness.hooks.deploy.promise(plan, context);
    } finally {
      progress.push(...events);
    }
  };
  return {
    harness,
    progress,
    run,
    async carryOut(plan) {
      const result = await run(plan);
      if (result === undefined) throw new Error(`the runtime did not take the plan for environment type '${plan.environment.type}'`);
      return result;
    },
    inspect(plan) {
      const runtime = harness.runtimes.serving(plan.environment.type);
      if (!runtime) throw new Error(`no runtime serves environment type '${plan.environment.type}'`);
      return runtime.inspect(plan.environment, plan, { signal: AbortSignal.timeout(60_000), log: harness.log });
    },
  };
}

import type { ExecutionContext } from 'ava';
import type { z } from 'zod';
import type { DeployedService, DeployPlan, DeployProgress, DeployResult, PluginDefinition } from '../../core/plugin-api.js';
import { startPlugin, type PluginHarness } from './plugin-harness.js';
import { testDeployContext } from './test-deploy-context.js';

/** How a test drives one run: the host's abort signal, and a look at each progress event as it happens. */
export interface RunOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: DeployProgress) => void;
}

/** A runtime plugin set up for one test, and a way to hand it plans. */
export interface RuntimeFixture {
  readonly harness: PluginHarness<unknown>;
  /** Progress events of every plan run so far. */
  readonly progress: DeployProgress[];
  /**
   * Runs the plan through the host's `deploy` hook. What the runtime made for the plan's
   * deployment is removed when the test ends.
   */
  run(plan: DeployPlan, options?: RunOptions): Promise<DeployResult | undefined>;
  /** Like {@link run}, for plans the runtime must carry out. */
  carryOut(plan: DeployPlan): Promise<DeployResult>;
  /** What the runtime reports running for the plan's deployment, asked as the host asks it. */
  inspect(plan: DeployPlan): Promise<readonly DeployedService[]>;
}

/**
 * Sets a runtime plugin up for one test under `name` with `options`; `cleanUp` registers the
 * removal of a deployment's resources at the test's end, once per deployment run.
 */
export async function startRuntimeFixture<Schema extends z.ZodType>(
  t: ExecutionContext,
  plugin: PluginDefinition<Schema>,
  input: { readonly name: string; readonly options: Record<string, unknown> },
  cleanUp: (t: ExecutionContext, deploymentId: string) => void,
): Promise<RuntimeFixture> {
  const harness = await startPlugin(plugin, input);
  t.teardown(() => harness.close());
  const cleaned = new Set<string>();
  const progress: DeployProgress[] = [];

  const run = async (plan: DeployPlan, runOptions: RunOptions = {}) => {
    if (!cleaned.has(plan.deploymentId)) {
      cleaned.add(plan.deploymentId);
      cleanUp(t, plan.deploymentId);
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

import type { ExecutionContext } from 'ava';
import type { DeployedService, DeployPlan, DeployProgress, DeployResult } from '../../../core/plugin-api.js';
import dockerRuntime from '../../../plugins/docker-runtime/index.js';
import { cleanUpDeployments } from '../../support/docker-cleanup.js';
import { startPlugin, type PluginHarness } from '../../support/plugin-harness.js';
import { testDeployContext } from '../../support/test-deploy-context.js';

/** How a test drives one run: the host's abort signal, and a look at each progress event as it happens. */
export interface RunOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: DeployProgress) => void;
}

/** The docker-runtime plugin set up for one test, and a way to hand it plans. */
export interface DockerRuntimeFixture {
  readonly harness: PluginHarness<unknown>;
  /** Progress events of every plan run so far. */
  readonly progress: DeployProgress[];
  /**
   * Runs the plan through the host's `deploy` hook. Everything labelled with the plan's
   * deployment id is removed when the test ends.
   */
  run(plan: DeployPlan, options?: RunOptions): Promise<DeployResult | undefined>;
  /** Like {@link run}, for plans the runtime must carry out. */
  carryOut(plan: DeployPlan): Promise<DeployResult>;
  /** What the runtime reports running for the plan's deployment, asked as the host asks it. */
  inspect(plan: DeployPlan): Promise<readonly DeployedService[]>;
}

/**
 * Sets the plugin up with a short stop timeout (tests' containers stop on SIGTERM at once) and
 * a deploy timeout that a loaded machine still meets, plus whatever `options` adds.
 */
export async function startDockerRuntime(t: ExecutionContext, options: Record<string, unknown> = {}): Promise<DockerRuntimeFixture> {
  const harness = await startPlugin(dockerRuntime, {
    name: 'docker-test',
    options: { stopTimeoutSeconds: 2, ...options },
  });
  t.teardown(() => harness.close());
  const cleaned = new Set<string>();
  const progress: DeployProgress[] = [];

  const run = async (plan: DeployPlan, runOptions: RunOptions = {}) => {
    if (!cleaned.has(plan.deploymentId)) {
      cleaned.add(plan.deploymentId);
      cleanUpDeployments(t, plan.deploymentId);
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

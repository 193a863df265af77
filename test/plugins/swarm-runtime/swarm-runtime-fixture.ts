import type { ExecutionContext } from 'ava';
import type { DeployPlan } from '../../../core/plugin-api.js';
import swarmRuntime from '../../../plugins/swarm-runtime/index.js';
import { startRuntimeFixture, type RuntimeFixture } from '../../support/runtime-fixture.js';
import { cleanUpSwarmDeployments } from '../../support/swarm-cleanup.js';
import { testPlan, type TestPlanInput } from '../../support/test-plan.js';

/** A plan for a `swarm` environment on the local engine. */
export function swarmPlan(input: TestPlanInput): DeployPlan {
  return testPlan({ ...input, environment: { type: 'swarm', name: 'swarm-test', ...input.environment } });
}

/** Sets the plugin up with short stop and converge bounds, plus whatever `options` adds. */
export async function startSwarmRuntime(t: ExecutionContext, options: Record<string, unknown> = {}): Promise<RuntimeFixture> {
  return startRuntimeFixture(
    t,
    swarmRuntime,
    { name: 'swarm-test', options: { stopTimeoutSeconds: 1, convergeTimeoutSeconds: 120, ...options } },
    cleanUpSwarmDeployments,
  );
}

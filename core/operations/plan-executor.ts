import type { Caller } from '../auth/caller.js';
import type { DeployContext, DeployedService, DeployPlan, DeployProgress, DeployResult, PlanEnvironment } from '../hooks/deploy-plan.js';
import { runDeployPipeline } from './run-deploy-pipeline.js';
import { errorMessage } from '../errors.js';
import type { HostHooks } from '../hooks/host-hooks.js';
import type { DeploymentRef, RuntimeRegistry } from '../hooks/runtime-registry.js';
import type { Logger } from '../logger.js';
import type { ServiceRecord } from '../deployments/deployment.js';

/** How long a look at what runs may take. */
const INSPECT_TIMEOUT_MS = 30_000;

/** The containers a runtime reported, as a deployment records them. */
export function serviceRecords(services: readonly DeployedService[]): ServiceRecord[] {
  return services.map(({ serviceName, containerId, containerName, image, status, lifecycle }) => ({
    serviceName,
    containerId,
    containerName,
    image,
    status,
    lifecycle,
  }));
}

/**
 * Hands plans to the hook pipeline with a deadline: when `timeoutSeconds` pass, the deploy
 * context's signal aborts and the runtime gives up with a message saying why, so a caller
 * always gets an answer.
 */
export class PlanExecutor {
  readonly #hooks: HostHooks;
  readonly #runtimes: RuntimeRegistry;
  readonly #log: Logger;
  readonly #timeoutMs: number;

  constructor(hooks: HostHooks, runtimes: RuntimeRegistry, log: Logger, timeoutSeconds: number) {
    this.#hooks = hooks;
    this.#runtimes = runtimes;
    this.#log = log;
    this.#timeoutMs = timeoutSeconds * 1000;
  }

  /**
   * Runs beforeDeploy, deploy and afterDeploy for `plan`; resolves what the runtime reports.
   * The runtime's steps are logged and handed to `report`.
   */
  run(plan: DeployPlan, caller: Caller, report: (event: DeployProgress) => void): Promise<DeployResult> {
    return this.#pipeline(plan, caller, this.#timeoutMs, `the host's deploy timeout of ${Math.round(this.#timeoutMs / 1000)}s passed`, report);
  }

  /**
   * What runs for the deployment on `environment` now, asked of the runtime serving its type;
   * `{ error }` when it cannot tell. The runtime gives up when `signal` aborts, and at the
   * latest after {@link INSPECT_TIMEOUT_MS}.
   */
  async inspect(environment: PlanEnvironment, target: DeploymentRef, signal?: AbortSignal): Promise<{ services: ServiceRecord[] } | { error: string }> {
    const runtime = this.#runtimes.serving(environment.type);
    if (!runtime) return { error: `no runtime plugin serves environment type '${environment.type}'.` };
    const deadline = AbortSignal.timeout(INSPECT_TIMEOUT_MS);
    const log = this.#log.child({ deploymentId: target.deploymentId, stack: target.stackName, operation: 'inspect' });
    try {
      const services = await runtime.inspect(environment, target, { signal: signal ? AbortSignal.any([signal, deadline]) : deadline, log });
      return { services: serviceRecords(services) };
    } catch (err) {
      return { error: errorMessage(err) };
    }
  }

  async #pipeline(plan: DeployPlan, caller: Caller, timeoutMs: number, reason: string, report: (event: DeployProgress) => void): Promise<DeployResult> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error(reason)), timeoutMs);
    const log = this.#log.child({ deploymentId: plan.deploymentId, stack: plan.stackName, operation: plan.operation, requestId: caller.requestId });
    const context: DeployContext = {
      signal: controller.signal,
      principal: caller.principal,
      requestId: caller.requestId,
      log,
      progress: (event) => {
        log.debug({ service: event.service, step: event.step }, event.message);
        report(event);
      },
    };
    try {
      const { result } = await runDeployPipeline(this.#hooks, plan, context);
      return result;
    } finally {
      clearTimeout(timer);
    }
  }
}

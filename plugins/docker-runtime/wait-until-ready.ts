import { DeploymentFailedError, type PlannedService } from '../../core/plugin-api.js';
import { containerFailure } from './container-failure.js';
import type { DeployDeadline } from './deploy-deadline.js';
import type { ContainerState, DockerEngine } from './docker-engine.js';
import type { LaunchedContainer } from './launch-container.js';
import { missingCheckCommand } from './missing-check-command.js';

/** How often a starting container is inspected. */
export const POLL_MS = 250;

/** How long to wait, and when to give up because another service already failed. */
export interface ReadinessOptions {
  /**
   * How long a container without a health check must be seen running, without a restart, to
   * count as started, so that a service that crashes right after its start is reported as
   * failed. 0 when only waiting for a dependency to be up before starting the next service.
   */
  readonly settleMs: number;
  /** Ends the wait early (resolving `null`): a sibling's failure already decided the deploy. */
  readonly cancel?: AbortSignal;
}

/**
 * Waits until the service's container runs and, when it has a health check (from the plan or
 * its image), is healthy. Fails with the reason and the last log lines when it exits, restarts
 * or turns unhealthy; fails when the deadline ends first.
 */
export async function waitUntilReady(
  engine: DockerEngine,
  service: Pick<PlannedService, 'name'>,
  container: LaunchedContainer,
  deadline: DeployDeadline,
  options: ReadinessOptions,
): Promise<ContainerState | null> {
  let last: ContainerState | null = null;
  // Measured from this side's first sight of it running: the engine may report a process as
  // running for a moment after it already exited, longer still when the machine is busy.
  let seenRunningAt: number | null = null;
  for (;;) {
    if (options.cancel?.aborted) return null;
    let pauseMs = POLL_MS;
    // A look the deadline cuts off ends the wait as a pause the deadline cuts off does: the
    // failure names the service either way.
    const state = await engine.inspectContainer(container.id).catch((err: unknown) => {
      if (deadline.expired) return undefined;
      throw err;
    });
    if (state === undefined) break;
    if (state === null) {
      throw new DeploymentFailedError(`Service '${service.name}' failed: its container was removed while it was starting.`);
    }
    last = state;
    const exited = state.status === 'exited' || state.status === 'dead';
    if (exited && state.restartCount === 0) {
      const detail = state.oomKilled ? ' (killed: out of memory)' : state.error ? ` (${state.error})` : '';
      throw await containerFailure(engine, state.id, `Service '${service.name}' exited with code ${state.exitCode}${detail}`);
    }
    if (exited || state.restartCount > 0 || state.status === 'restarting') {
      // The engine resets the exit code when it restarts the container; its events keep it.
      const code = (await engine.lastExitCode(state.id, container.launchedAt)) ?? state.exitCode;
      throw await containerFailure(engine, state.id, `Service '${service.name}' exited with code ${code} and was restarted by its restart policy`);
    }
    if (state.status === 'running') {
      seenRunningAt ??= Date.now();
      if (state.health === null) {
        const settlesIn = seenRunningAt + options.settleMs - Date.now();
        if (settlesIn <= 0) return state;
        // The last look falls on the end of the period, not up to a poll after it.
        pauseMs = Math.min(POLL_MS, settlesIn);
      } else if (state.health.status === 'healthy') {
        return state;
      } else {
        // A check whose program the image lacks can never pass: say so now, not at the deadline.
        const { lastOutput, lastExitCode } = state.health;
        const missing = lastOutput === null ? null : missingCheckCommand(lastOutput, lastExitCode);
        if (missing !== null) {
          const reason = `Service '${service.name}' can never become healthy: its health check needs ${JSON.stringify(missing)}, which the image does not have`;
          throw await containerFailure(engine, state.id, `${reason}${lastCheck(state)}`);
        }
        if (state.health.status === 'unhealthy') {
          throw await containerFailure(engine, state.id, `Service '${service.name}' is unhealthy${lastCheck(state)}`);
        }
      }
    }
    if (!(await deadline.pause(pauseMs))) break;
  }
  if (last === null) throw new DeploymentFailedError(`Service '${service.name}' did not start: ${deadline.reason}.`);
  const what = last.health ? 'did not become healthy' : 'did not start';
  const reason = `Service '${service.name}' ${what}: ${deadline.reason}${lastCheck(last)}`;
  throw await containerFailure(engine, last.id, reason);
}

function lastCheck(state: ContainerState): string {
  const output = state.health?.lastOutput;
  return output ? ` (last health check: ${output.split('\n').slice(-3).join(' | ')})` : '';
}

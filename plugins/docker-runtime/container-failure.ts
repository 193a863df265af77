import { DeploymentFailedError } from '../../core/plugin-api.js';
import type { DockerEngine } from './docker-engine.js';

/** How many of a failed container's last log lines a failure quotes. */
const LOG_LINES = 10;

/**
 * A deploy failure for a container that exited, timed out or stayed unhealthy: `reason` plus
 * the container's last log lines, which usually say why. The lines also go into the error's
 * fields for clients that show them apart.
 */
export async function containerFailure(engine: DockerEngine, containerId: string, reason: string): Promise<DeploymentFailedError> {
  let lines: string[] = [];
  try {
    lines = await engine.containerLogs(containerId, LOG_LINES);
  } catch {
    // The logs only illustrate the reason; failing to read them must not hide it.
  }
  const tail = lines.length > 0 ? ` Last log lines:\n${lines.map((line) => `  ${line}`).join('\n')}` : ' It wrote no log lines.';
  return new DeploymentFailedError(`${reason}.${tail}`, { fields: { logs: lines } });
}

import type { DeployContext } from '../../core/plugin-api.js';
import { containerLogLines } from '../docker-runtime/container-log-lines.js';
import { relayOutput, type OutputRelay } from '../docker-runtime/relay-container-output.js';
import type { SwarmServices } from './swarm-services.js';

/**
 * How far before a rollout's start, by this host's clock, a service's log is read: the lines
 * carry the clock of the node that ran the task. Earlier lines are told apart by their task.
 */
const CLOCK_SKEW_MS = 60_000;

/** Which of a service's tasks a rollout starts: those not among `earlier`, writing since `since`. */
export interface NewTasks {
  readonly since: Date;
  readonly earlier: ReadonlySet<string>;
}

/**
 * Marks a rollout's start, before the service is created (`serviceId` null) or updated: the
 * tasks it has now are not new. Nothing is read when nobody follows the operation.
 */
export async function rolloutStart(swarm: SwarmServices, serviceId: string | null, context: Pick<DeployContext, 'output'>): Promise<NewTasks> {
  const since = new Date(Date.now() - CLOCK_SKEW_MS);
  if (serviceId === null || context.output === undefined) return { since, earlier: new Set() };
  return { since, earlier: new Set((await swarm.tasks(serviceId)).map((task) => task.id)) };
}

/**
 * Relays what a service's new tasks write (see relayOutput) from the manager's service log,
 * which reaches tasks on every node. Swarm keeps that stream open for tasks to come, so on
 * `finish` (a job completed or failed, a rollout converged or failed) it is cut and the log is
 * read once more without following: the lines still in flight are relayed, those already
 * relayed (counted per task) skipped.
 */
export function relayTaskOutput(swarm: SwarmServices, serviceId: string, service: string, context: Pick<DeployContext, 'output' | 'log'>, tasks: NewTasks): OutputRelay {
  async function* newLines(follow: boolean, signal: AbortSignal): AsyncIterable<{ task: string; text: string }> {
    const log = await swarm.serviceLog(serviceId, { since: tasks.since, follow, signal });
    for await (const { line } of containerLogLines(log, service)) {
      const entry = taskLine(line);
      if (!tasks.earlier.has(entry.task) && entry.text !== '') yield entry;
    }
  }
  return relayOutput(service, context, async function* ({ stop, finish }) {
    const relayed = new Map<string, number>();
    try {
      for await (const { task, text } of newLines(true, AbortSignal.any([stop, finish]))) {
        relayed.set(task, (relayed.get(task) ?? 0) + 1);
        yield text;
      }
    } catch (err) {
      if (!finish.aborted) throw err;
    }
    for await (const { task, text } of newLines(false, stop)) {
      const skipped = relayed.get(task) ?? 0;
      if (skipped > 0) relayed.set(task, skipped - 1);
      else yield text;
    }
  });
}

/** A service log line split into its task's id and the text: `<key>=<value>,… <text>`. */
function taskLine(line: string): { task: string; text: string } {
  const space = line.indexOf(' ');
  const details = space < 0 ? line : line.slice(0, space);
  const task = details
    .split(',')
    .find((detail) => detail.startsWith('com.docker.swarm.task.id='))
    ?.slice('com.docker.swarm.task.id='.length);
  return { task: task ?? '', text: space < 0 ? '' : line.slice(space + 1) };
}

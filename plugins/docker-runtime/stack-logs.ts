import type { RuntimeLogLine } from '../../core/plugin-api.js';
import { containerLogLines } from './container-log-lines.js';
import type { DockerEngine } from './docker-engine.js';
import { deploymentFilter, deploymentLabels } from './deployment-labels.js';

/** Which lines of a deployment's logs. */
export interface StackLogsRequest {
  readonly deploymentId: string;
  readonly service: string | null;
  readonly tail: number;
  readonly follow: boolean;
}

/**
 * The log lines of a deployment's containers (one service's, or all). Without `follow`: the last
 * `tail` lines of them all, oldest first. With `follow`: each container's last `tail` lines,
 * then new lines as the containers write them, until `signal` aborts (which also closes the
 * engine's streams).
 */
export async function* stackLogs(engine: DockerEngine, request: StackLogsRequest, signal: AbortSignal): AsyncIterable<RuntimeLogLine> {
  const containers = (await engine.listContainers(deploymentFilter(request.deploymentId)))
    .map((container) => ({ id: container.id, service: container.labels[deploymentLabels.service] ?? container.name }))
    .filter((container) => request.service === null || container.service === request.service);
  const opened = containers.map(async (container) => {
    const log = await engine.containerLog(container.id, { tail: request.tail, follow: request.follow, signal });
    return containerLogLines(log, container.service);
  });
  const sources = await Promise.all(opened);
  if (request.follow) {
    yield* merged(sources);
    return;
  }
  const lines: RuntimeLogLine[] = [];
  for (const source of sources) for await (const line of source) lines.push(line);
  // Stable: lines of one container within the same millisecond keep their order.
  yield* lines.sort((a, b) => a.at.localeCompare(b.at)).slice(-request.tail);
}

/** The items of every source as each arrives; ends when all have ended. */
async function* merged<T>(sources: readonly AsyncIterable<T>[]): AsyncIterable<T> {
  const iterators = sources.map((source) => source[Symbol.asyncIterator]());
  const waiting = new Map<number, Promise<{ index: number; result: IteratorResult<T> }>>();
  const pull = (index: number, iterator: AsyncIterator<T>) => waiting.set(index, iterator.next().then((result) => ({ index, result })));
  iterators.forEach((iterator, index) => pull(index, iterator));
  try {
    while (waiting.size > 0) {
      const { index, result } = await Promise.race(waiting.values());
      const iterator = iterators[index];
      if (result.done === true || iterator === undefined) {
        waiting.delete(index);
        continue;
      }
      pull(index, iterator);
      yield result.value;
    }
  } finally {
    await Promise.allSettled(iterators.map((iterator) => iterator.return?.()));
  }
}

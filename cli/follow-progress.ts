import type { OperationProgress, ProgressEvent } from './api-contract.js';
import type { HostClient } from './host-client.js';

/** How often the host is asked for new steps while an operation runs. */
const POLL_MS = 1_000;

/** Follows the steps of one operation; `finish` prints what is left once the operation answered. */
export interface ProgressFollower {
  /** Stops polling and prints the steps not shown yet; `deploymentId` from the answer, when it has one. */
  finish(deploymentId: string | null): Promise<void>;
}

/** What to follow and where its lines go. */
export interface FollowOptions {
  /** The `X-Request-Id` the operation was sent with: only its steps are shown. */
  readonly requestId: string;
  /** Finds the deployment the operation works on, `null` while it has no record yet. */
  readonly locate: () => Promise<string | null>;
  /** Names the stack for steps about no single service (networks, volumes). */
  readonly stackName: string;
  readonly write: (line: string) => void;
}

/** The line of one step: `  web: Pulling registry.example.com/web:1.2`. */
export function progressLine(event: ProgressEvent, stackName: string): string {
  return `  ${event.service ?? stackName}: ${event.message}`;
}

/**
 * Polls `GET /api/deployments/:id/progress` while a request runs and writes each new step of
 * that request as a line. Progress is a courtesy: a poll that fails is skipped, never an error
 * of the command.
 */
export function followProgress(client: HostClient, options: FollowOptions): ProgressFollower {
  let deploymentId: string | null = null;
  let after = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let polling: Promise<void> = Promise.resolve();

  const poll = async (): Promise<void> => {
    deploymentId ??= await options.locate();
    if (deploymentId === null) return;
    const body = await client.call('GET', `/api/deployments/${encodeURIComponent(deploymentId)}/progress?after=${after}`);
    const progress = body['progress'] as OperationProgress | null | undefined;
    // Another request's operation (an earlier one, or one that took the stack first) is not ours to show.
    if (!progress || progress.requestId !== options.requestId) return;
    for (const event of progress.events) {
      if (event.seq <= after) continue;
      options.write(progressLine(event, options.stackName));
      after = event.seq;
    }
  };
  const tick = () => {
    polling = poll()
      .catch(() => undefined)
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, POLL_MS);
      });
  };
  timer = setTimeout(tick, POLL_MS);

  return {
    async finish(answeredId) {
      stopped = true;
      clearTimeout(timer);
      await polling;
      deploymentId = answeredId ?? deploymentId;
      await poll().catch(() => undefined);
    },
  };
}

import { setTimeout as sleep } from 'node:timers/promises';
import type Docker from 'dockerode';

/**
 * Waits until every container has been seen running for `settleMs`, inspecting every `pollMs`:
 * the readiness rule the host's runtime applies to services without a health check. Gives the
 * raw script the same guarantee the hook answers with, for a like-for-like comparison.
 */
export async function waitUntilSettled(docker: Docker, ids: readonly string[], settleMs: number, pollMs: number): Promise<void> {
  const seenRunningAt = new Map<string, number>();
  for (;;) {
    const states = await Promise.all(ids.map(async (id) => [id, (await docker.getContainer(id).inspect()).State] as const));
    for (const [id, state] of states) {
      if (!state.Running) throw new Error(`container ${id} is ${state.Status}`);
      if (!seenRunningAt.has(id)) seenRunningAt.set(id, Date.now());
    }
    if ([...seenRunningAt.values()].every((at) => Date.now() - at >= settleMs)) return;
    await sleep(pollMs);
  }
}

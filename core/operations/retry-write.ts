import { setTimeout as sleep } from 'node:timers/promises';

/** Pauses between the attempts of a write that failed: a database blip passes within them. */
const RETRY_DELAYS_MS = [100, 400, 1_600] as const;

/**
 * Runs `write`, and again after each pause while it fails; the last failure is thrown. For the
 * record of what already happened on the engine: giving up on the first error would leave a
 * deployment `Installing` or `Upgrading` while its containers run.
 */
export async function retryWrite(write: () => Promise<void>, delaysMs: readonly number[] = RETRY_DELAYS_MS): Promise<void> {
  for (const delay of delaysMs) {
    try {
      return await write();
    } catch {
      await sleep(delay);
    }
  }
  await write();
}

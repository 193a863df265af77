import { AsyncLocalStorage } from 'node:async_hooks';

const scope = new AsyncLocalStorage<string>();

/**
 * Runs `fn` as part of the request `requestId`: code it calls, however deep (a plugin's tap),
 * can name the request in its log lines without the id being passed along.
 */
export function runWithRequestId<T>(requestId: string, fn: () => T): T {
  return scope.run(requestId, fn);
}

/** The id of the request being served, or null outside of one (a sync at start, a test). */
export function currentRequestId(): string | null {
  return scope.getStore() ?? null;
}

import { useEffect } from 'preact/hooks';

/** How often a page showing containers reads their state and health again while it is open. */
export const LIVE_STATE_REFRESH_MS = 5_000;

/** Calls `reload` every `ms` while the component is shown, to keep live state current. */
export function useReloadEvery(reload: () => Promise<void>, ms: number): void {
  useEffect(() => {
    const timer = setInterval(() => void reload(), ms);
    return () => clearInterval(timer);
  }, [reload, ms]);
}

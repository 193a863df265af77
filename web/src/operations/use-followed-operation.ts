import { useEffect, useState } from 'preact/hooks';

/**
 * The operation a page follows: the one it started (`follow`), else the one its record shows
 * running (`running`). It stays chosen after it ended, so its steps stay in view until another
 * one starts.
 */
export function useFollowedOperation(running: string | null): { readonly id: string | null; readonly follow: (id: string) => void } {
  const [id, setId] = useState<string | null>(null);
  useEffect(() => {
    if (running !== null) setId(running);
  }, [running]);
  // `setId` keeps its identity: children may depend on `follow` in their effects.
  return { id, follow: setId };
}

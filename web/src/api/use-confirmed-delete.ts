import { useState } from 'preact/hooks';
import { useAppContext } from '../app-context.js';
import { ApiError } from './api-error.js';

export interface ConfirmedDelete<T> {
  /** What the user asked to delete and has not confirmed or cancelled yet. */
  readonly pending: T | null;
  readonly busy: boolean;
  /** The host's refusal of the last attempt, shown in the dialog, which stays open. */
  readonly error: string | null;
  ask(item: T): void;
  cancel(): void;
  confirm(): Promise<void>;
}

/**
 * A DELETE the user confirms in a dialog first. `deleted` receives the host's message once the
 * call succeeded (reload the list there, so it is current by the time the dialog closes).
 */
export function useConfirmedDelete<T>(pathOf: (item: T) => string, deleted: (message: string) => Promise<void>): ConfirmedDelete<T> {
  const { api } = useAppContext();
  const [pending, setPending] = useState<T | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return {
    pending,
    busy,
    error,
    ask(item) {
      setError(null);
      setPending(item);
    },
    cancel: () => setPending(null),
    async confirm() {
      if (pending === null) return;
      setBusy(true);
      setError(null);
      try {
        const answer = await api.delete<{ message: string }>(pathOf(pending));
        await deleted(answer.message);
        setPending(null);
      } catch (err) {
        setError(ApiError.from(err).message);
      } finally {
        setBusy(false);
      }
    },
  };
}

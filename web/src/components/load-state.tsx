import type { ApiError } from '../api/api-error.js';

interface LoadStateProps {
  readonly loading: boolean;
  readonly error: ApiError | null;
  readonly onRetry: () => void;
  /** What is being loaded, for the messages ("API keys"). */
  readonly what: string;
}

/** "Loading…" while data comes, or why it did not come with a way to try again. */
export function LoadState({ loading, error, onRetry, what }: LoadStateProps) {
  if (error) {
    return (
      <div class="notice notice-error" role="alert">
        <p>
          Could not load {what}: {error.message}
        </p>
        <button type="button" class="button-secondary" onClick={onRetry}>
          Try again
        </button>
      </div>
    );
  }
  return loading ? (
    <p class="loading" role="status">
      Loading {what}…
    </p>
  ) : null;
}

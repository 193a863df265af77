import { useEffect, useRef, useState } from 'preact/hooks';
import { eventReader } from '../../../core/http/read-event-stream.js';
import { ApiError } from '../api/api-error.js';
import { useAppContext } from '../app-context.js';

/** One `progress` event: a step of one service (`null`: the stack's networks and volumes). */
export interface OperationStep {
  readonly service: string | null;
  readonly step: string;
  readonly message: string;
  readonly at: string;
}

/** One `log` event: a line of container output, redacted by the host. */
export interface OperationLogLine {
  readonly service: string | null;
  readonly line: string;
}

/** The `done` event: how the operation ended and what its answer said. */
export interface OperationEnd {
  readonly status: string;
  readonly message: string | null;
}

/** What a page shows of an operation it follows. */
export interface FollowedOperation {
  readonly steps: readonly OperationStep[];
  readonly lines: readonly OperationLogLine[];
  /** `null` while it runs. */
  readonly end: OperationEnd | null;
  readonly error: string | null;
}

/** How long to wait before reading on after a dropped connection. */
const RECONNECT_MS = 1_000;
/** Output lines kept; the oldest go first. */
const KEPT_LINES = 500;

const waitOrLeave = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resume) => {
    const timer = setTimeout(resume, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resume()), { once: true });
  });

const messageOf = (result: unknown) => {
  const message = typeof result === 'object' && result !== null ? (result as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? message : null;
};

/**
 * Follows the events of operation `id` (`GET /api/operations/:id/events`) through the session's
 * streaming reader: its steps, its output and its end. A dropped connection is read on after the
 * last event received, so no step shows twice; `onDone` runs once the `done` event arrived.
 * Event types it does not know are skipped. One component per operation: give it a `key`.
 */
export function useOperationEvents(id: string, onDone: () => void): FollowedOperation {
  const { api } = useAppContext();
  const [shown, setShown] = useState<FollowedOperation>({ steps: [], lines: [], end: null, error: null });
  const done = useRef(onDone);
  done.current = onDone;

  useEffect(() => {
    const leave = new AbortController();
    let after = '0';
    let ended = false;
    const onEvent = (event: string, data: unknown, eventId: string | null) => {
      if (eventId !== null) after = eventId;
      if (event === 'progress') setShown((now) => ({ ...now, steps: [...now.steps, data as OperationStep] }));
      if (event === 'log') setShown((now) => ({ ...now, lines: [...now.lines, data as OperationLogLine].slice(-KEPT_LINES) }));
      if (event === 'done') {
        ended = true;
        const { status, result } = data as { status: string; result: unknown };
        setShown((now) => ({ ...now, end: { status, message: messageOf(result) }, error: null }));
        done.current();
      }
    };
    void (async () => {
      while (!ended && !leave.signal.aborted) {
        const reader = eventReader(onEvent);
        try {
          await api.stream(`/api/operations/${encodeURIComponent(id)}/events?lastEventId=${after}`, leave.signal, (text) => reader.push(text));
        } catch (err) {
          const refusal = ApiError.from(err);
          setShown((now) => ({ ...now, error: refusal.message }));
          // Only a lost connection is worth another try: the host's refusals stand.
          if (refusal.status !== 0) return;
        }
        if (!ended) await waitOrLeave(RECONNECT_MS, leave.signal);
      }
    })();
    return () => leave.abort();
  }, [api, id]);

  return shown;
}

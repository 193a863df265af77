import { useEffect, useRef, useState } from 'preact/hooks';
import { eventReader } from '../../../core/http/read-event-stream.js';
import { ApiError } from '../api/api-error.js';
import type { LogLine } from '../api/api-types.js';
import { useAppContext } from '../app-context.js';
import { formatDateTime } from '../format/format-date-time.js';

/** How many lines the view asks for and keeps. */
const TAIL = 200;
const KEPT = 1000;

/**
 * A deployment's container logs: the latest lines of one service or all, and, while Follow is
 * on, new lines as the containers write them (streamed by the host, Password values hidden).
 */
export function DeploymentLogs({ deploymentId, services }: { readonly deploymentId: string; readonly services: readonly string[] }) {
  const { api } = useAppContext();
  const [service, setService] = useState('');
  const [follow, setFollow] = useState(false);
  const [lines, setLines] = useState<readonly LogLine[]>([]);
  const [error, setError] = useState<string | null>(null);
  const view = useRef<HTMLDivElement>(null);

  // Following, the newest line stays in sight.
  useEffect(() => {
    if (follow && view.current) view.current.scrollTop = view.current.scrollHeight;
  }, [follow, lines]);

  useEffect(() => {
    const leave = new AbortController();
    const query = `?tail=${TAIL}${service === '' ? '' : `&service=${encodeURIComponent(service)}`}`;
    const path = `/api/deployments/${encodeURIComponent(deploymentId)}/logs${query}`;
    setError(null);
    setLines([]);
    const failed = (err: unknown) => {
      if (!leave.signal.aborted) setError(ApiError.from(err).message);
    };
    if (follow) {
      const reader = eventReader((event, data) => {
        if (event === 'log') setLines((shown) => [...shown, data as LogLine].slice(-KEPT));
        if (event === 'done') setError((data as { result?: { message?: string } }).result?.message ?? 'Reading the logs failed.');
      });
      api.stream(`${path}&follow=true`, leave.signal, (text) => reader.push(text)).catch(failed);
    } else {
      api
        .get<{ lines: LogLine[] }>(path)
        .then((answer) => {
          if (!leave.signal.aborted) setLines(answer.lines);
        })
        .catch(failed);
    }
    // Leaving the page, or changing service or Follow, ends the stream (and the host's engine stream with it).
    return () => leave.abort();
  }, [api, deploymentId, service, follow]);

  return (
    <section class="panel" aria-labelledby="logs-title">
      <div class="page-head">
        <h2 id="logs-title">Logs</h2>
        <div class="button-row">
          <div class="field field-inline">
            <label for="log-service">Service</label>
            <select id="log-service" value={service} onChange={(event) => setService(event.currentTarget.value)}>
              <option value="">All services</option>
              {services.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </div>
          <button type="button" class="button-secondary" aria-pressed={follow} onClick={() => setFollow(!follow)}>
            {follow ? 'Stop following' : 'Follow'}
          </button>
        </div>
      </div>
      {error && (
        <p class="notice notice-error" role="alert">
          {error}
        </p>
      )}
      {lines.length === 0 && !error ? (
        <p class="empty">{follow ? 'Waiting for log lines…' : 'No log lines.'}</p>
      ) : (
        <div class="log-view" role="log" aria-label="Log lines" ref={view}>
          <ol>
            {lines.map((line, index) => (
              <li key={index} class={line.stream === 'stderr' ? 'log-stderr' : undefined}>
                <span class="log-meta">
                  {formatDateTime(line.at)} {line.service}
                  {line.stream === 'stderr' ? ' (stderr)' : ''}
                </span>{' '}
                <span class="log-text">{line.line}</span>
              </li>
            ))}
          </ol>
        </div>
      )}
    </section>
  );
}

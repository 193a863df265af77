import { LiveRegion } from '../components/live-region.js';
import { StatusBadge } from '../components/status-badge.js';
import { formatDateTime } from '../format/format-date-time.js';
import { useOperationEvents, type OperationStep } from './use-operation-events.js';

/** The steps grouped by service, services in the order they first reported. */
function byService(steps: readonly OperationStep[]): [string, OperationStep[]][] {
  const groups = new Map<string, OperationStep[]>();
  for (const step of steps) {
    const service = step.service ?? 'Stack';
    groups.set(service, [...(groups.get(service) ?? []), step]);
  }
  return [...groups];
}

/**
 * An operation's progress as it happens: each service's steps, the containers' output when the
 * host relays it, and how it ended. `onDone` runs once it ended (the page reads its record again).
 */
export function OperationProgress({ id, onDone }: { readonly id: string; readonly onDone: () => void }) {
  const { steps, lines, end, error } = useOperationEvents(id, onDone);
  return (
    <section class="panel" aria-labelledby="operation-title">
      <div class="page-head">
        <h2 id="operation-title">Operation</h2>
        <StatusBadge status={end?.status ?? 'Running'} />
      </div>
      <LiveRegion>
        {end ? (
          <p class={end.status === 'Succeeded' ? 'notice notice-success' : 'notice notice-error'}>{end.message ?? `The operation ${end.status.toLowerCase()}.`}</p>
        ) : (
          <p>{steps.length === 0 ? 'Waiting for the first step…' : 'Running…'}</p>
        )}
      </LiveRegion>
      {error && !end && (
        <p class="notice notice-error" role="alert">
          {error}
        </p>
      )}
      <ul class="operation-services" aria-label="Operation steps">
        {byService(steps).map(([service, own]) => (
          <li key={service} class="operation-service">
            <h3>{service}</h3>
            <ol>
              {own.map((step, index) => (
                <li key={index} class="operation-step">
                  <StatusBadge status={step.step} /> <span class="step-message">{step.message}</span>{' '}
                  <time class="log-meta" dateTime={step.at}>
                    {formatDateTime(step.at)}
                  </time>
                </li>
              ))}
            </ol>
          </li>
        ))}
      </ul>
      {lines.length > 0 && (
        <div class="log-view" role="log" aria-label="Operation output">
          <ol>
            {lines.map((line, index) => (
              <li key={index}>
                <span class="log-meta">{line.service ?? ''}</span> <span class="log-text">{line.line}</span>
              </li>
            ))}
          </ol>
        </div>
      )}
    </section>
  );
}

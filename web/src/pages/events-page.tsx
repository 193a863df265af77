import { useState } from 'preact/hooks';
import { ApiError } from '../api/api-error.js';
import type { DeliveryAttempt, EventDelivery, EventDeliveryPage } from '../api/api-types.js';
import { useApiData } from '../api/use-api-data.js';
import { useAppContext } from '../app-context.js';
import { LiveRegion } from '../components/live-region.js';
import { LoadState } from '../components/load-state.js';
import { Page } from '../components/page.js';
import { Pager } from '../components/pager.js';
import { StatusBadge } from '../components/status-badge.js';
import { formatDateTime } from '../format/format-date-time.js';
import { ColumnHeads } from '../components/column-heads.js';

const PAGE_SIZE = 50;
const statuses = ['Pending', 'Delivered', 'Failed'] as const;

/** "12:00:01 · 500 · the receiver answered 500 · 35 ms": one attempt on one line. */
const attemptLine = (attempt: DeliveryAttempt) =>
  [formatDateTime(attempt.at), attempt.statusCode === null ? 'no answer' : String(attempt.statusCode), attempt.error, `${attempt.durationMs} ms`]
    .filter((part) => part !== null && part !== '')
    .join(' · ');

function Attempts({ delivery }: { readonly delivery: EventDelivery }) {
  if (delivery.attempts.length === 0) return <>Not attempted yet</>;
  return (
    <ol class="attempts">
      {delivery.attempts.map((attempt, index) => (
        <li key={index}>{attemptLine(attempt)}</li>
      ))}
    </ol>
  );
}

type Notice = { readonly ok: boolean; readonly text: string };

/** Events the host sent to webhooks (the webhook-notifier plugin): each delivery with its attempts, and a test event. */
export function EventsPage() {
  const { api } = useAppContext();
  const [page, setPage] = useState(1);
  const [status, setStatus] = useState('');
  const [sending, setSending] = useState(false);
  const [notice, setNotice] = useState<Notice | null>(null);
  const query = `/api/event-deliveries?page=${page}&pageSize=${PAGE_SIZE}${status === '' ? '' : `&status=${status}`}`;
  const list = useApiData<EventDeliveryPage>(query);
  const deliveries = list.data?.deliveries ?? [];
  const pages = Math.max(1, Math.ceil((list.data?.total ?? 0) / PAGE_SIZE));

  const sendTest = async () => {
    setSending(true);
    setNotice(null);
    try {
      const answer = await api.post<{ message: string }>('/api/event-deliveries/test');
      setNotice({ ok: true, text: answer.message });
    } catch (err) {
      setNotice({ ok: false, text: ApiError.from(err).message });
    } finally {
      setSending(false);
    }
    await list.reload();
  };

  return (
    <Page
      title="Events"
      actions={
        <>
          <button type="button" class="button-secondary" onClick={() => void list.reload()} disabled={list.loading}>
            Refresh
          </button>
          <button type="button" class="button-primary" onClick={() => void sendTest()} disabled={sending}>
            {sending ? 'Sending…' : 'Send test event'}
          </button>
        </>
      }
    >
      <p class="lead">Deployment and catalog events sent to the configured webhooks, newest first, with every attempt. Failed attempts are retried.</p>
      <LiveRegion>{notice && <div class={`notice ${notice.ok ? 'notice-success' : 'notice-error'}`}>{notice.text}</div>}</LiveRegion>
      <div class="field field-inline">
        <label for="delivery-status">Status</label>
        <select
          id="delivery-status"
          value={status}
          onChange={(event) => {
            setStatus(event.currentTarget.value);
            setPage(1);
          }}
        >
          <option value="">All</option>
          {statuses.map((choice) => (
            <option key={choice} value={choice}>
              {choice}
            </option>
          ))}
        </select>
      </div>
      <LoadState loading={list.loading && list.data === null} error={list.error} onRetry={() => void list.reload()} what="the event deliveries" />
      {list.data !== null && deliveries.length === 0 && <p class="empty">No event deliveries to show.</p>}
      {deliveries.length > 0 && (
        <table class="table table-stack">
          <caption class="visually-hidden">Event deliveries</caption>
          <ColumnHeads names={['Time', 'Event', 'Target', 'Status', 'Attempts', 'Next attempt']} />
          <tbody>
            {deliveries.map((delivery) => (
              <tr key={delivery.id}>
                <td data-label="Time" class="nowrap">
                  {formatDateTime(delivery.createdAt)}
                </td>
                <td data-label="Event">
                  <code class="nowrap">{delivery.type}</code>
                  <span class="hint event-id">{delivery.eventId}</span>
                </td>
                <td data-label="Target">{delivery.target}</td>
                <td data-label="Status">
                  <StatusBadge status={delivery.status} />
                </td>
                <td data-label="Attempts">
                  <Attempts delivery={delivery} />
                </td>
                <td data-label="Next attempt">{delivery.nextAttemptAt === null ? '—' : formatDateTime(delivery.nextAttemptAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager label="Event delivery pages" page={page} pages={pages} busy={list.loading} onPage={setPage} />
    </Page>
  );
}

import { useState } from 'preact/hooks';
import type { AuditEvent, AuditPage as AuditPageData } from '../api/api-types.js';
import { useApiData } from '../api/use-api-data.js';
import { LoadState } from '../components/load-state.js';
import { Page } from '../components/page.js';
import { Pager } from '../components/pager.js';
import { StatusBadge } from '../components/status-badge.js';
import { formatDateTime } from '../format/format-date-time.js';
import { ColumnHeads } from '../components/column-heads.js';

const PAGE_SIZE = 50;

const actorOf = (event: AuditEvent) => {
  if (event.actorName === null) return 'Anonymous';
  return event.actorKind === 'apiKey' ? `API key "${event.actorName}"` : event.actorName;
};

/** "401 AUTH_INVALID: wrong password": what the answer was and why. */
const detailsOf = (event: AuditEvent) => [event.status, event.code, event.message].filter((part) => part !== null && part !== '').join(' · ') || '—';

/** The audit trail: who did what, from where, with which outcome; newest first. */
export function AuditPage() {
  const [page, setPage] = useState(1);
  const audit = useApiData<AuditPageData>(`/api/audit?page=${page}&pageSize=${PAGE_SIZE}`);
  const events = audit.data?.events ?? [];
  const pages = Math.max(1, Math.ceil((audit.data?.total ?? 0) / PAGE_SIZE));

  return (
    <Page
      title="Audit"
      actions={
        <button type="button" class="button-secondary" onClick={() => void audit.reload()} disabled={audit.loading}>
          Refresh
        </button>
      }
    >
      <p class="lead">Sign-ins, API key changes and every webhook call, newest first.</p>
      <LoadState loading={audit.loading && audit.data === null} error={audit.error} onRetry={() => void audit.reload()} what="the audit trail" />
      {audit.data !== null && events.length === 0 && <p class="empty">Nothing recorded yet.</p>}
      {events.length > 0 && (
        <table class="table table-stack">
          <caption class="visually-hidden">Audit events</caption>
          <ColumnHeads names={['Time', 'Action', 'Outcome', 'Actor', 'Target', 'Request', 'Details']} />
          <tbody>
            {events.map((event) => (
              <tr key={event.id}>
                <td data-label="Time" class="nowrap">
                  {formatDateTime(event.at)}
                </td>
                <td data-label="Action">
                  <code class="nowrap">{event.action}</code>
                </td>
                <td data-label="Outcome">
                  <StatusBadge status={event.outcome} />
                </td>
                <td data-label="Actor">{actorOf(event)}</td>
                <td data-label="Target">{event.target ?? '—'}</td>
                <td data-label="Request">
                  {event.endpoint ?? '—'}
                  {event.clientIp && <span class="hint"> from {event.clientIp}</span>}
                </td>
                <td data-label="Details">{detailsOf(event)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager label="Audit pages" page={page} pages={pages} busy={audit.loading} onPage={setPage} />
    </Page>
  );
}

import type { Deployment, DeploymentHistoryEntry, Environment } from '../api/api-types.js';
import { useApiData } from '../api/use-api-data.js';
import { LIVE_STATE_REFRESH_MS, useReloadEvery } from '../api/use-reload-every.js';
import { Breadcrumb } from '../components/breadcrumb.js';
import { LoadState } from '../components/load-state.js';
import { Page } from '../components/page.js';
import { StatusBadge } from '../components/status-badge.js';
import { DeploymentLogs } from '../deployments/deployment-logs.js';
import { ServicesTable } from '../deployments/services-table.js';
import { OperationActions } from '../operations/operation-actions.js';
import { OperationProgress } from '../operations/operation-progress.js';
import { runningOperationId } from '../operations/running-operation-id.js';
import { useFollowedOperation } from '../operations/use-followed-operation.js';
import { formatDateTime } from '../format/format-date-time.js';
import { triggerLabel } from '../format/trigger-label.js';
import { Link } from '../routing/link.js';
import { ColumnHeads } from '../components/column-heads.js';

const versionChange = (entry: DeploymentHistoryEntry) => {
  const from = entry.fromVersion ?? null;
  const to = entry.toVersion ?? null;
  if (from !== null && to !== null && from !== to) return `${from} → ${to}`;
  return to ?? from ?? '—';
};

/** Only http(s) addresses become links: the host checks them, and the page must not trust more. */
const isWebAddress = (url: string) => /^https?:\/\//i.test(url);

/** The intent of an operation: its reason, the commit and a link to the pipeline run. */
function IntentCell({ entry }: { readonly entry: DeploymentHistoryEntry }) {
  const { reason, commit, pipelineUrl } = entry;
  if (!reason && !commit && !pipelineUrl) return <>—</>;
  return (
    <span class="intent">
      {reason && <span class="intent-reason">{reason}</span>}
      {commit && <code class="intent-commit">{commit}</code>}
      {pipelineUrl && isWebAddress(pipelineUrl) && (
        <a href={pipelineUrl} target="_blank" rel="noopener noreferrer">
          Pipeline run
        </a>
      )}
    </span>
  );
}

function HistoryTable({ history }: { readonly history: readonly DeploymentHistoryEntry[] }) {
  // Newest first, like the audit trail.
  const entries = [...history].reverse();
  return (
    <table class="table table-stack">
      <caption>History</caption>
      <ColumnHeads names={['Started', 'Operation', 'Outcome', 'Version', 'Triggered by', 'Why', 'Message']} />
      <tbody>
        {entries.map((entry, index) => (
          <tr key={entry.id ?? index}>
            <td data-label="Started">{formatDateTime(entry.startedAt)}</td>
            <td data-label="Operation">{entry.operation}</td>
            <td data-label="Outcome">
              <StatusBadge status={entry.outcome} />
            </td>
            <td data-label="Version">{versionChange(entry)}</td>
            <td data-label="Triggered by">{triggerLabel(entry.triggeredBy)}</td>
            <td data-label="Why">
              <IntentCell entry={entry} />
            </td>
            <td data-label="Message">{entry.message ?? '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function DeploymentDetails({ deployment, environments }: { readonly deployment: Deployment; readonly environments: readonly Environment[] }) {
  const services = deployment.services ?? [];
  const variables = Object.entries(deployment.variables ?? {});
  const history = deployment.history ?? [];
  return (
    <>
      <dl class="facts">
        <dt>Status</dt>
        <dd>
          <StatusBadge status={deployment.status} />
        </dd>
        <dt>Version</dt>
        <dd>{deployment.stackVersion}</dd>
        <dt>Product</dt>
        <dd>
          {deployment.productName ?? deployment.productId} <code>{deployment.productId}</code>
          {deployment.productDeploymentId && (
            <>
              {' '}
              <Link href={`/product-deployments/${encodeURIComponent(deployment.productDeploymentId)}`}>Product deployment</Link>
            </>
          )}
        </dd>
        <dt>Environment</dt>
        <dd>{environments.find((environment) => environment.id === deployment.environmentId)?.name ?? deployment.environmentId}</dd>
        {deployment.errorMessage && (
          <>
            <dt>Last error</dt>
            <dd class="error-text">{deployment.errorMessage}</dd>
          </>
        )}
      </dl>

      <ServicesTable services={services} />

      {variables.length > 0 && (
        <table class="table table-stack">
          <caption>Variables</caption>
          <ColumnHeads names={['Name', 'Value']} />
          <tbody>
            {variables.map(([name, value]) => (
              <tr key={name}>
                <th scope="row" data-label="Name">
                  <code>{name}</code>
                </th>
                <td data-label="Value">
                  <code>{value}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {services.length > 0 && <DeploymentLogs deploymentId={deployment.id} services={[...new Set(services.map((service) => service.serviceName))]} />}

      {history.length > 0 && <HistoryTable history={history} />}
    </>
  );
}

/**
 * One deployment: status, version, its containers' live state and health (read again every few
 * seconds), stop/start/restart, the steps of the operation it runs (one started here, or one
 * a pipeline started) as they happen, its logs, variables (secrets masked by the host) and its
 * history.
 */
export function DeploymentPage({ id }: { readonly id: string }) {
  const deployment = useApiData<{ deployment: Deployment }>(`/api/deployments/${encodeURIComponent(id)}`);
  const environments = useApiData<{ environments: Environment[] }>('/api/environments');
  const found = deployment.data?.deployment ?? null;
  const { reload } = deployment;
  useReloadEvery(reload, LIVE_STATE_REFRESH_MS);
  const operation = useFollowedOperation(runningOperationId(found?.history ?? []));
  return (
    <Page
      title={found ? found.stackName : 'Deployment'}
      before={<Breadcrumb href="/deployments" label="Deployments" />}
      actions={
        <>
          {found && <OperationActions subject={{ name: found.stackName, status: found.status, path: `/api/deployments/${encodeURIComponent(found.id)}` }} onStarted={operation.follow} />}
          <button type="button" class="button-secondary" onClick={() => void reload()} disabled={deployment.loading}>
            Refresh
          </button>
        </>
      }
    >
      <LoadState loading={deployment.loading && found === null} error={deployment.error} onRetry={() => void deployment.reload()} what="the deployment" />
      {operation.id !== null && <OperationProgress key={operation.id} id={operation.id} onDone={() => void reload()} />}
      {found && <DeploymentDetails deployment={found} environments={environments.data?.environments ?? []} />}
    </Page>
  );
}

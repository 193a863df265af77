import { useEffect } from 'preact/hooks';
import type { Deployment, DeploymentHistoryEntry, Environment } from '../api/api-types.js';
import { useApiData } from '../api/use-api-data.js';
import { LoadState } from '../components/load-state.js';
import { Page } from '../components/page.js';
import { StatusBadge } from '../components/status-badge.js';
import { DeploymentActions } from '../deployments/deployment-actions.js';
import { DeploymentLogs } from '../deployments/deployment-logs.js';
import { formatDateTime } from '../format/format-date-time.js';
import { triggerLabel } from '../format/trigger-label.js';
import { Link } from '../routing/link.js';

/** How often the page reads the containers' state and health again while it is open. */
const REFRESH_MS = 5_000;

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
      <thead>
        <tr>
          <th scope="col">Started</th>
          <th scope="col">Operation</th>
          <th scope="col">Outcome</th>
          <th scope="col">Version</th>
          <th scope="col">Triggered by</th>
          <th scope="col">Why</th>
          <th scope="col">Message</th>
        </tr>
      </thead>
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

      <table class="table table-stack">
        <caption>Containers</caption>
        <thead>
          <tr>
            <th scope="col">Service</th>
            <th scope="col">Container</th>
            <th scope="col">Image</th>
            <th scope="col">Status</th>
            <th scope="col">Health</th>
            <th scope="col">Restarts</th>
            <th scope="col">Started</th>
            <th scope="col">Container id</th>
          </tr>
        </thead>
        <tbody>
          {services.length === 0 && (
            <tr>
              <td colSpan={8}>No containers.</td>
            </tr>
          )}
          {services.map((service) => (
            <tr key={service.containerName}>
              <th scope="row" data-label="Service">
                {service.serviceName}
              </th>
              <td data-label="Container">{service.containerName}</td>
              <td data-label="Image">
                <code>{service.image}</code>
              </td>
              <td data-label="Status">
                <StatusBadge status={service.status} />
              </td>
              {/* A dash without a health check, or when the engine could not be asked. */}
              <td data-label="Health">{service.health && service.health !== 'none' ? <StatusBadge status={service.health} /> : '—'}</td>
              <td data-label="Restarts">{service.restartCount ?? '—'}</td>
              <td data-label="Started">{service.startedAt ? formatDateTime(service.startedAt) : '—'}</td>
              <td data-label="Container id">
                <code>{service.containerId ? service.containerId.slice(0, 12) : '—'}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      {variables.length > 0 && (
        <table class="table table-stack">
          <caption>Variables</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Value</th>
            </tr>
          </thead>
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
 * seconds), stop/start/restart, its logs, variables (secrets masked by the host) and its history.
 */
export function DeploymentPage({ id }: { readonly id: string }) {
  const deployment = useApiData<{ deployment: Deployment }>(`/api/deployments/${encodeURIComponent(id)}`);
  const environments = useApiData<{ environments: Environment[] }>('/api/environments');
  const found = deployment.data?.deployment ?? null;
  const { reload } = deployment;
  useEffect(() => {
    const timer = setInterval(() => void reload(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);
  return (
    <Page
      title={found ? found.stackName : 'Deployment'}
      before={
        <p class="breadcrumb">
          <Link href="/deployments">Deployments</Link> <span aria-hidden="true">›</span>
        </p>
      }
      actions={
        <>
          {found && <DeploymentActions deployment={found} done={reload} />}
          <button type="button" class="button-secondary" onClick={() => void reload()} disabled={deployment.loading}>
            Refresh
          </button>
        </>
      }
    >
      <LoadState loading={deployment.loading && found === null} error={deployment.error} onRetry={() => void deployment.reload()} what="the deployment" />
      {found && <DeploymentDetails deployment={found} environments={environments.data?.environments ?? []} />}
    </Page>
  );
}

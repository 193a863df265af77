import { useState } from 'preact/hooks';
import type { Deployment, Environment } from '../api/api-types.js';
import { useApiData } from '../api/use-api-data.js';
import { EnvironmentSelect } from '../components/environment-select.js';
import { LoadState } from '../components/load-state.js';
import { Page } from '../components/page.js';
import { StatusBadge } from '../components/status-badge.js';
import { formatDateTime } from '../format/format-date-time.js';
import { Link } from '../routing/link.js';
import { ColumnHeads } from '../components/column-heads.js';

/** "2 of 3 running" from the containers the runtime last reported. */
function containersSummary(deployment: Deployment): string {
  const services = deployment.services ?? [];
  if (services.length === 0) return 'None';
  const running = services.filter((service) => service.status.toLowerCase() === 'running').length;
  return `${running} of ${services.length} running`;
}

/** Home page: every stack the host runs, its status, version and containers. */
export function DeploymentsPage() {
  const [environmentId, setEnvironmentId] = useState('');
  const environments = useApiData<{ environments: Environment[] }>('/api/environments');
  const deployments = useApiData<{ deployments: Deployment[] }>(
    environmentId === '' ? '/api/deployments' : `/api/deployments?environmentId=${encodeURIComponent(environmentId)}`,
  );
  const environmentList = environments.data?.environments ?? [];
  const environmentName = (id: string) => environmentList.find((environment) => environment.id === id)?.name ?? id;
  const list = deployments.data?.deployments ?? [];

  return (
    <Page title="Deployments">
      <EnvironmentSelect id="deployments-environment" environments={environmentList} value={environmentId} onChange={setEnvironmentId} />
      <LoadState loading={deployments.loading && deployments.data === null} error={deployments.error} onRetry={() => void deployments.reload()} what="deployments" />
      {deployments.data !== null && list.length === 0 && (
        <p class="empty">
          No stacks are deployed here yet. Deploy one through the API (<code>POST /api/deployments</code>); pipelines then redeploy and
          upgrade it with an API key from <Link href="/settings/cicd">Settings → CI/CD Integration</Link>.
        </p>
      )}
      {list.length > 0 && (
        <table class="table table-stack">
          <caption class="visually-hidden">Deployments</caption>
          <ColumnHeads names={['Stack', 'Product', 'Version', 'Environment', 'Status', 'Containers', 'Updated']} />
          <tbody>
            {list.map((deployment) => (
              <tr key={deployment.id}>
                <th scope="row" data-label="Stack">
                  <Link href={`/deployments/${encodeURIComponent(deployment.id)}`}>{deployment.stackName}</Link>
                </th>
                <td data-label="Product">{deployment.productName ?? deployment.productId}</td>
                <td data-label="Version">{deployment.stackVersion}</td>
                <td data-label="Environment">{environmentName(deployment.environmentId)}</td>
                <td data-label="Status">
                  <StatusBadge status={deployment.status} />
                </td>
                <td data-label="Containers">{containersSummary(deployment)}</td>
                <td data-label="Updated">{formatDateTime(deployment.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Page>
  );
}

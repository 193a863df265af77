import { useEffect, useRef, useState } from 'preact/hooks';
import type { Deployment, Environment, ProductDeployment, ProductStack } from '../api/api-types.js';
import { useApiData } from '../api/use-api-data.js';
import { LIVE_STATE_REFRESH_MS, useReloadEvery } from '../api/use-reload-every.js';
import { Breadcrumb } from '../components/breadcrumb.js';
import { LoadState } from '../components/load-state.js';
import { Page } from '../components/page.js';
import { StatusBadge } from '../components/status-badge.js';
import { ServicesTable } from '../deployments/services-table.js';
import { OperationActions } from '../operations/operation-actions.js';
import { OperationProgress } from '../operations/operation-progress.js';
import { runningOperationId } from '../operations/running-operation-id.js';
import { useFollowedOperation } from '../operations/use-followed-operation.js';
import { Link } from '../routing/link.js';

/**
 * One stack of the product: its status and its containers' live state and health, read again
 * every few seconds and whenever `generation` changes (an operation ended). The operation its
 * history shows running goes to `onRunning`.
 */
function StackPanel({ stack, generation, onRunning }: { readonly stack: ProductStack; readonly generation: number; readonly onRunning: (operationId: string) => void }) {
  const deployment = useApiData<{ deployment: Deployment }>(`/api/deployments/${encodeURIComponent(stack.deploymentId)}`);
  const { reload } = deployment;
  useReloadEvery(reload, LIVE_STATE_REFRESH_MS);
  const seen = useRef(generation);
  useEffect(() => {
    // The first render already loads: read again only for a later generation.
    if (seen.current !== generation) void reload();
    seen.current = generation;
  }, [generation, reload]);
  const found = deployment.data?.deployment ?? null;
  const running = runningOperationId(found?.history ?? []);
  useEffect(() => {
    if (running !== null) onRunning(running);
  }, [running, onRunning]);
  const headingId = `stack-${stack.deploymentId}`;
  return (
    <section class="panel" aria-labelledby={headingId}>
      <div class="page-head">
        <h2 id={headingId}>
          <Link href={`/deployments/${encodeURIComponent(stack.deploymentId)}`}>{stack.stackName}</Link>
        </h2>
        <StatusBadge status={found?.status ?? stack.status} />
      </div>
      <p>
        <code>{stack.deploymentStackName}</code> · version {stack.stackVersion}
      </p>
      {(found?.errorMessage ?? stack.errorMessage) && <p class="error-text">{found?.errorMessage ?? stack.errorMessage}</p>}
      <LoadState loading={deployment.loading && found === null} error={deployment.error} onRetry={() => void reload()} what={`the stack ${stack.stackName}`} />
      {found && <ServicesTable services={found.services ?? []} caption={`Containers of ${stack.stackName}`} />}
    </section>
  );
}

/**
 * A product deployment: its status, stop/start/restart of all its stacks (confirmed), the steps
 * of the operation that runs as they happen, and each stack's containers with their live state.
 */
export function ProductDeploymentPage({ id }: { readonly id: string }) {
  const product = useApiData<{ productDeployment: ProductDeployment }>(`/api/product-deployments/${encodeURIComponent(id)}`);
  const environments = useApiData<{ environments: Environment[] }>('/api/environments');
  const found = product.data?.productDeployment ?? null;
  const { reload } = product;
  useReloadEvery(reload, LIVE_STATE_REFRESH_MS);
  const operation = useFollowedOperation(null);
  const [generation, setGeneration] = useState(0);
  const ended = () => {
    void reload();
    setGeneration((previous) => previous + 1);
  };
  const environment = environments.data?.environments.find((candidate) => candidate.id === found?.environmentId);
  return (
    <Page
      title={found ? found.deploymentName : 'Product deployment'}
      before={<Breadcrumb href="/deployments" label="Deployments" />}
      actions={
        <>
          {found && <OperationActions subject={{ name: found.deploymentName, status: found.status, path: `/api/product-deployments/${encodeURIComponent(found.id)}` }} onStarted={operation.follow} />}
          <button type="button" class="button-secondary" onClick={ended} disabled={product.loading}>
            Refresh
          </button>
        </>
      }
    >
      <LoadState loading={product.loading && found === null} error={product.error} onRetry={() => void reload()} what="the product deployment" />
      {operation.id !== null && <OperationProgress key={operation.id} id={operation.id} onDone={ended} />}
      {found && (
        <>
          <dl class="facts">
            <dt>Status</dt>
            <dd>
              <StatusBadge status={found.status} />
            </dd>
            <dt>Product</dt>
            <dd>
              {found.productName} <code>{found.productId}</code>
            </dd>
            <dt>Version</dt>
            <dd>{found.version}</dd>
            <dt>Environment</dt>
            <dd>{environment?.name ?? found.environmentId}</dd>
            {found.errorMessage && (
              <>
                <dt>Last error</dt>
                <dd class="error-text">{found.errorMessage}</dd>
              </>
            )}
          </dl>
          {found.stacks.map((stack) => (
            <StackPanel key={stack.deploymentId} stack={stack} generation={generation} onRunning={operation.follow} />
          ))}
        </>
      )}
    </Page>
  );
}

import { useState } from 'preact/hooks';
import { ApiError } from '../api/api-error.js';
import type { CatalogProduct, SyncReport } from '../api/api-types.js';
import { useApiData } from '../api/use-api-data.js';
import { useAppContext } from '../app-context.js';
import { LiveRegion } from '../components/live-region.js';
import { LoadState } from '../components/load-state.js';
import { Page } from '../components/page.js';
import { nameOf } from '../format/name-of.js';
import { SyncResult } from './sync-result.js';
import { ColumnHeads } from '../components/column-heads.js';

/** A failed sync still reports per source (500 with `errors`); anything else is a plain failure. */
function reportOf(err: unknown): SyncReport {
  const error = ApiError.from(err);
  if (Array.isArray(error.body['errors'])) return error.body as unknown as SyncReport;
  return { success: false, message: `Sync failed: ${error.message}` };
}

function ProductCard({ product }: { readonly product: CatalogProduct }) {
  const versions = (product.versions ?? []).map(nameOf);
  const stacks = product.stacks ?? [];
  return (
    <article class="panel product" aria-labelledby={`product-${product.id}`}>
      <h2 id={`product-${product.id}`}>
        {product.name} <span class="version">{product.version}</span>
      </h2>
      {product.description && <p>{product.description}</p>}
      <dl class="facts">
        <dt>Product id</dt>
        <dd>
          <code>{product.groupId}</code>
        </dd>
        <dt>Source</dt>
        <dd>{product.sourceId}</dd>
        <dt>Versions</dt>
        <dd>{versions.length > 0 ? versions.join(', ') : product.version}</dd>
      </dl>
      {stacks.length > 0 && (
        <table class="table table-stack">
          <caption>Stacks</caption>
          <ColumnHeads names={['Stack', 'Services', 'Variables']} />
          <tbody>
            {stacks.map((stack) => (
              <tr key={stack.name}>
                <th scope="row" data-label="Stack">
                  {stack.name}
                </th>
                <td data-label="Services">{(stack.services ?? []).map(nameOf).join(', ') || '—'}</td>
                <td data-label="Variables">{(stack.variables ?? []).map(nameOf).join(', ') || '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </article>
  );
}

/** The products the catalog sources deliver, and the Sync button that reloads them. */
export function CatalogPage() {
  const { api } = useAppContext();
  const catalog = useApiData<{ products: CatalogProduct[] }>('/api/catalog');
  const [syncing, setSyncing] = useState(false);
  const [report, setReport] = useState<SyncReport | null>(null);

  const sync = async () => {
    setSyncing(true);
    setReport(null);
    try {
      setReport(await api.post<SyncReport>('/api/catalog/sync'));
    } catch (err) {
      setReport(reportOf(err));
    } finally {
      setSyncing(false);
    }
    await catalog.reload();
  };

  const products = catalog.data?.products ?? [];
  return (
    <Page
      title="Catalog"
      actions={
        <button type="button" class="button-primary" onClick={() => void sync()} disabled={syncing} aria-describedby="sync-hint">
          {syncing ? 'Syncing…' : 'Sync'}
        </button>
      }
    >
      <p class="lead" id="sync-hint">
        Products and their stacks from every catalog source. Sync reads all sources again, as the <code>/api/hooks/sync-sources</code> webhook
        does.
      </p>
      <LiveRegion>{report && <SyncResult report={report} />}</LiveRegion>
      <LoadState loading={catalog.loading && catalog.data === null} error={catalog.error} onRetry={() => void catalog.reload()} what="the catalog" />
      {catalog.data !== null && products.length === 0 && (
        <p class="empty">The catalog is empty. Add a catalog source in the config file, then press Sync.</p>
      )}
      <div class="card-list">
        {products.map((product) => (
          <ProductCard key={product.id} product={product} />
        ))}
      </div>
    </Page>
  );
}

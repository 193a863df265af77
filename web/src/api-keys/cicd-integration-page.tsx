import { useState } from 'preact/hooks';
import type { ApiKeySummary, CreatedApiKey, Environment } from '../api/api-types.js';
import { useApiData } from '../api/use-api-data.js';
import { useConfirmedDelete } from '../api/use-confirmed-delete.js';
import { Breadcrumb } from '../components/breadcrumb.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { LiveRegion } from '../components/live-region.js';
import { LoadState } from '../components/load-state.js';
import { Page } from '../components/page.js';
import { ApiKeyForm } from './api-key-form.js';
import { ApiKeyTable } from './api-key-table.js';
import { CreatedKeyPanel } from './created-key-panel.js';

/** Settings → CI/CD Integration: create, list and revoke the API keys pipelines use. */
export function CicdIntegrationPage() {
  const keys = useApiData<{ apiKeys: ApiKeySummary[] }>('/api/api-keys');
  const environments = useApiData<{ environments: Environment[] }>('/api/environments');
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const revoking = useConfirmedDelete<ApiKeySummary>(
    (key) => `/api/api-keys/${encodeURIComponent(key.id)}`,
    async (message) => {
      // The list shows the key revoked by the time the message says so.
      await keys.reload();
      setAnnouncement(message);
    },
  );

  const list = keys.data?.apiKeys ?? [];
  const environmentList = environments.data?.environments ?? [];
  const showCreateButton = !creating && created === null && keys.data !== null;

  const startCreating = () => {
    setAnnouncement('');
    setCreating(true);
  };

  const createButton = (
    <button type="button" class="button-primary" onClick={startCreating}>
      Create API Key
    </button>
  );

  return (
    <Page
      title="CI/CD Integration"
      before={<Breadcrumb href="/settings" label="Settings" />}
      actions={showCreateButton && list.length > 0 ? createButton : null}
    >
      <p class="lead">
        API keys let CI/CD pipelines call the webhooks <code>/api/hooks/redeploy</code>, <code>/api/hooks/upgrade</code> and{' '}
        <code>/api/hooks/sync-sources</code> with the <code>X-Api-Key</code> header.
      </p>
      <LiveRegion>{announcement && <p class="notice notice-success">{announcement}</p>}</LiveRegion>

      {created && (
        <CreatedKeyPanel
          apiKey={created}
          onDone={() => {
            setCreated(null);
            setAnnouncement('The key is in the list below. Its full value is no longer shown.');
          }}
        />
      )}

      {creating && (
        <ApiKeyForm
          environments={environmentList}
          onCancel={() => setCreating(false)}
          onCreated={(key) => {
            setCreating(false);
            setCreated(key);
            void keys.reload();
          }}
        />
      )}

      <LoadState loading={keys.loading && keys.data === null} error={keys.error} onRetry={() => void keys.reload()} what="API keys" />

      {keys.data !== null && list.length === 0 && !creating && created === null && (
        <section class="panel empty-state" aria-labelledby="no-keys-title">
          <h2 id="no-keys-title">No API keys yet</h2>
          <p>Create a key for each pipeline, with only the permissions it needs. The key is shown once, right after it is created.</p>
          {createButton}
        </section>
      )}

      {list.length > 0 && (
        <section aria-labelledby="keys-title">
          <h2 id="keys-title">API keys</h2>
          <ApiKeyTable
            keys={list}
            environments={environmentList}
            onRevoke={revoking.ask}
          />
        </section>
      )}

      {revoking.pending && (
        <ConfirmDialog
          title="Revoke API key?"
          confirmLabel="Revoke key"
          danger
          busy={revoking.busy}
          error={revoking.error}
          onCancel={revoking.cancel}
          onConfirm={() => void revoking.confirm()}
        >
          <p>
            Pipelines using <strong>{revoking.pending.name}</strong> (<code>{revoking.pending.keyPrefix}…</code>) get 401 from their next call on. This
            cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </Page>
  );
}

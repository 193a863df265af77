import type { ApiKeySummary, Environment } from '../api/api-types.js';
import { StatusBadge } from '../components/status-badge.js';
import { formatDateTime } from '../format/format-date-time.js';
import { apiKeyStatus } from './api-key-status.js';
import { permissionLabel } from './hook-permissions.js';
import { ColumnHeads } from '../components/column-heads.js';

interface ApiKeyTableProps {
  readonly keys: readonly ApiKeySummary[];
  readonly environments: readonly Environment[];
  readonly onRevoke: (key: ApiKeySummary) => void;
}

/** Step 5 of the seed: every key with name, permissions, environment, expiry, status and last use; never the key itself. */
export function ApiKeyTable({ keys, environments, onRevoke }: ApiKeyTableProps) {
  const environmentName = (id: string | null) => (id === null ? 'All environments' : (environments.find((environment) => environment.id === id)?.name ?? id));
  const now = Date.now();
  return (
    <table class="table table-stack">
      <caption class="visually-hidden">API keys</caption>
      <ColumnHeads names={['Name', 'Permissions', 'Environment', 'Expires', 'Status', 'Last used']} actions />
      <tbody>
        {keys.map((key) => {
          const status = apiKeyStatus(key, now);
          return (
            <tr key={key.id} data-key-id={key.id}>
              <th scope="row" data-label="Name">
                {key.name}
                <span class="visually-hidden">, key starting with </span>
                <code class="key-prefix">{key.keyPrefix}…</code>
              </th>
              <td data-label="Permissions">{key.permissions.map(permissionLabel).join(', ')}</td>
              <td data-label="Environment">{environmentName(key.environmentId)}</td>
              <td data-label="Expires">{formatDateTime(key.expiresAt, 'Never')}</td>
              <td data-label="Status">
                <StatusBadge status={status} />
              </td>
              <td data-label="Last used">{formatDateTime(key.lastUsedAt, 'Never')}</td>
              <td class="cell-actions">
                {key.isRevoked ? null : (
                  <button type="button" class="button-danger button-small" onClick={() => onRevoke(key)} aria-label={`Revoke ${key.name}`}>
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

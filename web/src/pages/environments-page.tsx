import { useState } from 'preact/hooks';
import { ApiError } from '../api/api-error.js';
import type { Environment } from '../api/api-types.js';
import { useApiData } from '../api/use-api-data.js';
import { useConfirmedDelete } from '../api/use-confirmed-delete.js';
import { useAppContext } from '../app-context.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { Field } from '../components/field.js';
import { LiveRegion } from '../components/live-region.js';
import { LoadState } from '../components/load-state.js';
import { Page } from '../components/page.js';
import { ColumnHeads } from '../components/column-heads.js';

/** What the host's built-in runtimes serve; another type is refused by the host with the types it has. */
const environmentTypes = [
  { type: 'docker', label: 'Docker engine' },
  { type: 'swarm', label: 'Docker Swarm (a manager)' },
] as const;

/** The Docker engines the host deploys to, a form to add one, and deletion of those no longer used. */
export function EnvironmentsPage() {
  const { api } = useAppContext();
  const environments = useApiData<{ environments: Environment[] }>('/api/environments');
  const [name, setName] = useState('');
  const [type, setType] = useState<string>('docker');
  const [dockerHost, setDockerHost] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  // A refusal says what is still in the environment (deployments, keys).
  const deleting = useConfirmedDelete<Environment>(
    (environment) => `/api/environments/${encodeURIComponent(environment.id)}`,
    async (message) => {
      // The list no longer shows it by the time the message says so.
      await environments.reload();
      setAnnouncement(message);
    },
  );

  const add = async (event: Event) => {
    event.preventDefault();
    setAnnouncement('');
    if (name.trim() === '') {
      setError('Enter a name for the environment.');
      document.getElementById('environment-name')?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const body = { name: name.trim(), type, ...(dockerHost.trim() === '' ? {} : { dockerHost: dockerHost.trim() }) };
      const answer = await api.post<{ environment: Environment }>('/api/environments', body);
      setName('');
      setType('docker');
      setDockerHost('');
      setAnnouncement(`Environment "${answer.environment.name}" added.`);
      await environments.reload();
    } catch (err) {
      setError(ApiError.from(err).message);
    } finally {
      setBusy(false);
    }
  };

  const list = environments.data?.environments ?? [];
  return (
    <Page title="Environments">
      <p class="lead">Each environment is a Docker engine, or a Swarm through one of its managers. API keys and deployments can be bound to one.</p>
      <LoadState loading={environments.loading && environments.data === null} error={environments.error} onRetry={() => void environments.reload()} what="environments" />
      {list.length > 0 && (
        <table class="table table-stack">
          <caption class="visually-hidden">Environments</caption>
          <ColumnHeads names={['Name', 'Type', 'Docker host', 'ID']} actions />
          <tbody>
            {list.map((environment) => (
              <tr key={environment.id}>
                <th scope="row" data-label="Name">
                  {environment.name} {environment.isDefault && <span class="badge badge-neutral">default</span>}
                </th>
                <td data-label="Type">{environment.type}</td>
                <td data-label="Docker host">{environment.dockerHost ?? 'Local Docker socket'}</td>
                <td data-label="ID">
                  <code>{environment.id}</code>
                </td>
                <td data-label="Actions">
                  {environment.isDefault ? null : (
                    <button
                      type="button"
                      class="button-danger button-small"
                      aria-label={`Delete ${environment.name}`}
                      onClick={() => {
                        setAnnouncement('');
                        deleting.ask(environment);
                      }}
                    >
                      Delete
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <LiveRegion>{announcement && <p class="notice notice-success">{announcement}</p>}</LiveRegion>
      <form class="panel form" onSubmit={add} noValidate aria-labelledby="add-environment-title">
        <h2 id="add-environment-title">Add an environment</h2>
        <Field id="environment-name" label="Name" error={error ?? undefined}>
          {(described) => <input {...described} required value={name} autocomplete="off" onInput={(event) => setName(event.currentTarget.value)} />}
        </Field>
        <Field id="environment-type" label="Type" hint="On a Swarm, stacks run as services with replicas; the engine must be a manager.">
          {(described) => (
            <select {...described} value={type} onChange={(event) => setType(event.currentTarget.value)}>
              {environmentTypes.map((choice) => (
                <option key={choice.type} value={choice.type}>
                  {choice.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="environment-docker-host" label="Docker host (optional)" hint="e.g. tcp://10.0.0.5:2376 or ssh://deploy@server; empty for the local socket.">
          {(described) => (
            <input {...described} value={dockerHost} autocomplete="off" spellcheck={false} onInput={(event) => setDockerHost(event.currentTarget.value)} />
          )}
        </Field>
        <div class="button-row">
          <button type="submit" class="button-primary" disabled={busy}>
            {busy ? 'Adding…' : 'Add environment'}
          </button>
        </div>
      </form>
      {deleting.pending && (
        <ConfirmDialog
          title="Delete environment?"
          confirmLabel="Delete environment"
          danger
          busy={deleting.busy}
          error={deleting.error}
          onCancel={deleting.cancel}
          onConfirm={() => void deleting.confirm()}
        >
          <p>
            <strong>{deleting.pending.name}</strong> can be deleted once its deployments are removed and the API keys restricted to it are revoked.
            This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </Page>
  );
}

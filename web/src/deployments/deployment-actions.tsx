import { useState } from 'preact/hooks';
import { ApiError } from '../api/api-error.js';
import type { Deployment } from '../api/api-types.js';
import { useAppContext } from '../app-context.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';

type Action = 'stop' | 'start' | 'restart';

/** Each action: when it is offered, its button, and what the dialog says it does. */
const actions: readonly { action: Action; from: readonly string[]; label: string; explain: string; danger: boolean }[] = [
  { action: 'start', from: ['Stopped'], label: 'Start', explain: 'starts its containers again and waits until they run.', danger: false },
  { action: 'restart', from: ['Running'], label: 'Restart', explain: 'restarts its containers in place (no new images); the services are briefly unavailable.', danger: false },
  {
    action: 'stop',
    from: ['Running', 'Failed'],
    label: 'Stop',
    explain: 'stops its containers and keeps them. Its services are unavailable, and pipelines cannot redeploy it, until it is started.',
    danger: true,
  },
];

/** The stop, start and restart buttons a deployment's status allows, each confirmed in a dialog. */
export function DeploymentActions({ deployment, done }: { readonly deployment: Deployment; readonly done: () => Promise<void> }) {
  const { api } = useAppContext();
  const [pending, setPending] = useState<Action | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const chosen = actions.find((entry) => entry.action === pending);
  const confirm = async () => {
    if (chosen === undefined) return;
    setBusy(true);
    setError(null);
    try {
      await api.post(`/api/deployments/${encodeURIComponent(deployment.id)}/${chosen.action}`);
      await done();
      setPending(null);
    } catch (err) {
      setError(ApiError.from(err).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      {actions
        .filter((entry) => entry.from.includes(deployment.status))
        .map((entry) => (
          <button
            key={entry.action}
            type="button"
            class={entry.danger ? 'button-danger' : 'button-secondary'}
            onClick={() => {
              setError(null);
              setPending(entry.action);
            }}
          >
            {entry.label}
          </button>
        ))}
      {chosen && (
        <ConfirmDialog
          title={`${chosen.label} ${deployment.stackName}?`}
          confirmLabel={chosen.label}
          danger={chosen.danger}
          busy={busy}
          error={error}
          onConfirm={() => void confirm()}
          onCancel={() => setPending(null)}
        >
          <p>
            {chosen.label} <strong>{deployment.stackName}</strong>: {chosen.explain}
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}

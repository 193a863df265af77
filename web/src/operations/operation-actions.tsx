import { useState } from 'preact/hooks';
import { ApiError } from '../api/api-error.js';
import { useAppContext } from '../app-context.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';

type Action = 'stop' | 'start' | 'restart';

/** Each action: when it is offered, its button, and what the dialog says it does. */
const actions: readonly { action: Action; from: readonly string[]; label: string; explain: string; danger: boolean }[] = [
  // A product deployment that is PartiallyRunning has stacks each action applies to.
  { action: 'start', from: ['Stopped', 'PartiallyRunning'], label: 'Start', explain: 'starts its containers again and waits until they run.', danger: false },
  { action: 'restart', from: ['Running', 'PartiallyRunning'], label: 'Restart', explain: 'restarts its containers in place (no new images); the services are briefly unavailable.', danger: false },
  {
    action: 'stop',
    from: ['Running', 'Failed', 'PartiallyRunning'],
    label: 'Stop',
    explain: 'stops its containers and keeps them. Its services are unavailable, and pipelines cannot redeploy it, until it is started.',
    danger: true,
  },
];

/** What the buttons act on: a deployment or a product deployment. */
export interface OperatedSubject {
  readonly name: string;
  readonly status: string;
  /** Its API path (`/api/deployments/<id>`, `/api/product-deployments/<id>`); the actions are below it. */
  readonly path: string;
}

/**
 * The stop, start and restart buttons a status allows, each confirmed in a dialog. The host
 * answers at once with the operation it started (`Prefer: respond-async`); `onStarted` gets its
 * id, to follow its events.
 */
export function OperationActions({ subject, onStarted }: { readonly subject: OperatedSubject; readonly onStarted: (operationId: string) => void }) {
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
      const accepted = await api.post<{ operationId: string }>(`${subject.path}/${chosen.action}`, undefined, { prefer: 'respond-async' });
      onStarted(accepted.operationId);
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
        .filter((entry) => entry.from.includes(subject.status))
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
          title={`${chosen.label} ${subject.name}?`}
          confirmLabel={chosen.label}
          danger={chosen.danger}
          busy={busy}
          error={error}
          onConfirm={() => void confirm()}
          onCancel={() => setPending(null)}
        >
          <p>
            {chosen.label} <strong>{subject.name}</strong>: {chosen.explain}
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}

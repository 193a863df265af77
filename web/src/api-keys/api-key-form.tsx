import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api/api-error.js';
import type { CreatedApiKey, Environment } from '../api/api-types.js';
import { useAppContext } from '../app-context.js';
import { EnvironmentOptions } from '../components/environment-select.js';
import { Field } from '../components/field.js';
import { apiKeyFieldOf } from './api-key-field-of.js';
import { MAX_NAME_LENGTH, type ApiKeyField, type ApiKeyFieldErrors, type ApiKeyFormValues } from './api-key-form-values.js';
import { apiKeyRequest } from './api-key-request.js';
import { HOOK_PERMISSIONS } from './hook-permissions.js';
import { validateApiKeyForm } from './validate-api-key-form.js';

interface ApiKeyFormProps {
  readonly environments: readonly Environment[];
  readonly onCreated: (key: CreatedApiKey) => void;
  readonly onCancel: () => void;
}

// Ids of the control that takes focus when its field is wrong, in the form's order.
const focusTarget: Readonly<Record<ApiKeyField, string>> = {
  name: 'key-name',
  permissions: 'key-permission-0',
  environment: 'key-environment',
  expiry: 'key-expiry',
};
const fieldOrder: readonly ApiKeyField[] = ['name', 'permissions', 'environment', 'expiry'];

const today = () => {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
};

function focusFirstError(errors: ApiKeyFieldErrors): void {
  const first = fieldOrder.find((field) => errors[field] !== undefined);
  if (first) document.getElementById(focusTarget[first])?.focus();
}

/** Step 3 of the seed: name, permissions, optional environment and expiry. */
export function ApiKeyForm({ environments, onCreated, onCancel }: ApiKeyFormProps) {
  const { api } = useAppContext();
  // Redeploy is what most pipelines need, so it starts checked.
  const [values, setValues] = useState<ApiKeyFormValues>({ name: '', permissions: ['Hooks.Redeploy'], environmentId: '', expiry: '' });
  const [errors, setErrors] = useState<ApiKeyFieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const nameInput = useRef<HTMLInputElement>(null);

  useEffect(() => nameInput.current?.focus(), []);

  const update = (change: Partial<ApiKeyFormValues>, field: ApiKeyField) => {
    setValues((previous) => ({ ...previous, ...change }));
    // An error goes away once its field is edited; the next submit checks again.
    setErrors((previous) => ({ ...previous, [field]: undefined }));
  };

  const togglePermission = (value: string, checked: boolean) =>
    update(
      { permissions: checked ? [...values.permissions, value] : values.permissions.filter((permission) => permission !== value) },
      'permissions',
    );

  const submit = async (event: Event) => {
    event.preventDefault();
    setFormError(null);
    const found = validateApiKeyForm(values);
    setErrors(found);
    if (Object.keys(found).length > 0) {
      focusFirstError(found);
      return;
    }
    setBusy(true);
    try {
      const answer = await api.post<{ apiKey: CreatedApiKey }>('/api/api-keys', apiKeyRequest(values));
      onCreated(answer.apiKey);
    } catch (err) {
      const error = ApiError.from(err);
      const field = apiKeyFieldOf(error);
      if (field) {
        const refused = { [field]: error.message };
        setErrors(refused);
        focusFirstError(refused);
      } else {
        setFormError(error.message);
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="panel form" onSubmit={submit} noValidate aria-labelledby="create-key-title">
      <h2 id="create-key-title">Create API Key</h2>
      <Field id="key-name" label="Name" hint='A descriptive name, e.g. "Azure DevOps Deploy".' error={errors.name}>
        {(described) => (
          <input
            {...described}
            ref={nameInput}
            name="name"
            required
            maxLength={MAX_NAME_LENGTH}
            autocomplete="off"
            value={values.name}
            onInput={(event) => update({ name: event.currentTarget.value }, 'name')}
          />
        )}
      </Field>

      <fieldset
        class={errors.permissions ? 'field field-invalid' : 'field'}
        aria-describedby={errors.permissions ? 'key-permissions-error' : undefined}
      >
        <legend>Permissions</legend>
        {HOOK_PERMISSIONS.map((permission, index) => (
          <div class="check" key={permission.value}>
            <input
              type="checkbox"
              id={`key-permission-${index}`}
              name="permissions"
              value={permission.value}
              checked={values.permissions.includes(permission.value)}
              aria-describedby={`key-permission-${index}-hint`}
              onChange={(event) => togglePermission(permission.value, event.currentTarget.checked)}
            />
            <label for={`key-permission-${index}`}>{permission.label}</label>
            <span class="hint" id={`key-permission-${index}-hint`}>
              {permission.description}
            </span>
          </div>
        ))}
        {errors.permissions && (
          <p class="field-error" id="key-permissions-error">
            {errors.permissions}
          </p>
        )}
      </fieldset>

      <Field id="key-environment" label="Environment (optional)" hint="Restrict the key to one environment." error={errors.environment}>
        {(described) => (
          <select {...described} name="environmentId" value={values.environmentId} onChange={(event) => update({ environmentId: event.currentTarget.value }, 'environment')}>
            <EnvironmentOptions environments={environments} />
          </select>
        )}
      </Field>

      <Field id="key-expiry" label="Expiry (optional)" hint="The key stops working at the end of this day. Leave empty for a key that does not expire." error={errors.expiry}>
        {(described) => (
          <input
            {...described}
            type="date"
            name="expiry"
            min={today()}
            value={values.expiry}
            onInput={(event) => update({ expiry: event.currentTarget.value }, 'expiry')}
          />
        )}
      </Field>

      {formError && (
        <p class="notice notice-error" role="alert">
          {formError}
        </p>
      )}
      <div class="button-row">
        <button type="submit" class="button-primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create API Key'}
        </button>
        <button type="button" class="button-secondary" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}

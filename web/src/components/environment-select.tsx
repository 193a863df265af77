import type { Environment } from '../api/api-types.js';

interface EnvironmentSelectProps {
  readonly id: string;
  readonly environments: readonly Environment[];
  /** An environment id, or '' for all. */
  readonly value: string;
  readonly onChange: (environmentId: string) => void;
}

/** Filters a view by environment. */
export function EnvironmentSelect({ id, environments, value, onChange }: EnvironmentSelectProps) {
  return (
    <div class="field field-inline">
      <label for={id}>Environment</label>
      <select id={id} value={value} onChange={(event) => onChange(event.currentTarget.value)}>
        <EnvironmentOptions environments={environments} />
      </select>
    </div>
  );
}

/** The choices of an environment `<select>`: '' for all, then each environment by name. */
export function EnvironmentOptions({ environments }: { readonly environments: readonly Environment[] }) {
  return (
    <>
      <option value="">All environments</option>
      {environments.map((environment) => (
        <option key={environment.id} value={environment.id}>
          {environment.name}
        </option>
      ))}
    </>
  );
}

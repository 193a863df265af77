/**
 * A table's header row, one column per name; `actions` adds a last column for row buttons whose
 * heading only screen readers hear.
 */
export function ColumnHeads({ names, actions = false }: { readonly names: readonly string[]; readonly actions?: boolean }) {
  return (
    <thead>
      <tr>
        {names.map((name) => (
          <th scope="col" key={name}>
            {name}
          </th>
        ))}
        {actions && (
          <th scope="col">
            <span class="visually-hidden">Actions</span>
          </th>
        )}
      </tr>
    </thead>
  );
}

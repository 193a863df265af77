/**
 * Renders label/value pairs one per line with the values aligned, for `show` commands:
 * `Status:   Running`. A `null` value shows as `-`.
 */
export function renderDetails(pairs: readonly (readonly [label: string, value: string | null])[]): string {
  const width = Math.max(0, ...pairs.map(([label]) => label.length + 1));
  return pairs.map(([label, value]) => `${`${label}:`.padEnd(width)}  ${value ?? '-'}`.trimEnd()).join('\n');
}

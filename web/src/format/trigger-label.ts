/** Who or what started an operation, from the host's `apiKey:<name>`, `user:<name>` or `host`. */
export function triggerLabel(triggeredBy: string | null | undefined): string {
  if (!triggeredBy) return '—';
  const [kind, ...rest] = triggeredBy.split(':');
  const name = rest.join(':');
  if (kind === 'apiKey') return `API key "${name}"`;
  if (kind === 'user') return `User ${name}`;
  if (kind === 'host') return 'rsgo itself';
  return triggeredBy;
}

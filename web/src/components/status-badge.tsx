/** Status words the UI colours; anything else is shown neutral. */
const tones: Readonly<Record<string, 'good' | 'bad' | 'busy' | 'muted'>> = {
  active: 'good',
  running: 'good',
  healthy: 'good',
  unhealthy: 'bad',
  starting: 'busy',
  succeeded: 'good',
  delivered: 'good',
  success: 'good',
  failed: 'bad',
  failure: 'bad',
  denied: 'bad',
  expired: 'muted',
  revoked: 'muted',
  removed: 'muted',
  stopped: 'muted',
  installing: 'busy',
  upgrading: 'busy',
  redeploying: 'busy',
  inprogress: 'busy',
  pending: 'busy',
  partiallyrunning: 'busy',
};

/** A status as text in a coloured pill; the word itself carries the meaning, not the colour. */
export function StatusBadge({ status }: { readonly status: string }) {
  const tone = tones[status.toLowerCase().replace(/[^a-z]/g, '')] ?? 'neutral';
  return <span class={`badge badge-${tone}`}>{status}</span>;
}

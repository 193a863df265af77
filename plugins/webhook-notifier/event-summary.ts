import type { OutboundEvent } from './outbound-event.js';

/** A chat message's parts: a title line, the facts below it, and whether it reports trouble. */
export interface EventSummary {
  readonly title: string;
  readonly facts: readonly { readonly name: string; readonly value: string }[];
  readonly trouble: boolean;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const record = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {});

function fact(name: string, value: unknown): { name: string; value: string } | null {
  if (value === null || value === undefined || value === '') return null;
  return { name, value: typeof value === 'string' ? value : JSON.stringify(value) };
}

/** What a person reading a chat channel needs to know about `event`. */
export function summarise(event: OutboundEvent): EventSummary {
  const { data } = event;
  const deployment = record(data['deployment']);
  const actor = record(data['actor']);
  const intent = record(data['intent']);
  const stack = text(deployment['stackName']) ?? 'a stack';
  const version = text(deployment['version']) ?? '?';
  const previous = text(deployment['previousVersion']);
  const error = text(record(data['error'])['message']);
  const common = [
    fact('Environment', deployment['environmentId']),
    fact('Product', deployment['productId']),
    fact('Operation', data['operation']),
    fact('By', actor['name'] === undefined ? null : `${String(actor['kind'])}:${String(actor['name'])}`),
    fact('Reason', intent['reason']),
    fact('Commit', intent['commit']),
    fact('Pipeline', intent['pipelineUrl']),
    fact('Operation id', data['operationId']),
  ];
  const keep = (facts: ReadonlyArray<{ name: string; value: string } | null>) => facts.filter((entry): entry is { name: string; value: string } => entry !== null);
  switch (event.type) {
    case 'deployment.succeeded':
      return { title: `${stack} runs version ${version}${previous !== null && previous !== version ? ` (was ${previous})` : ''}`, facts: keep(common), trouble: false };
    case 'deployment.failed':
      return { title: `${String(data['operation'] ?? 'deploy')} of ${stack} to ${version} failed`, facts: keep([fact('Error', error), ...common]), trouble: true };
    case 'deployment.rolled_back':
      return { title: `${stack} was rolled back to ${version}${previous !== null ? ` from ${previous}` : ''}`, facts: keep(common), trouble: true };
    case 'catalog.synced':
      return { title: `Catalog synced: ${String(data['sourcesSynced'])} source(s), ${String(data['stacksLoaded'])} stack(s)`, facts: keep([fact('By', actor['name'])]), trouble: false };
    case 'catalog.sync_failed': {
      const errors = Array.isArray(data['errors']) ? data['errors'].map((entry) => `${String(record(entry)['source'])}: ${String(record(entry)['message'])}`) : [];
      return { title: 'Catalog sync failed', facts: keep([fact('Errors', errors.join('; ')), fact('By', actor['name'])]), trouble: true };
    }
    default:
      return { title: text(data['message']) ?? event.type, facts: [], trouble: false };
  }
}

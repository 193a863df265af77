import { summarise } from './event-summary.js';
import type { OutboundEvent } from './outbound-event.js';

/** What a target's `format` asks for. */
export type MessageFormat = 'json' | 'slack' | 'teams';

/**
 * The request body for a target: the event itself (`json`), or a message the incoming webhooks
 * of Slack (`text` with `blocks`) or Microsoft Teams (a MessageCard) accept. The event's own
 * fields are the same in each; only the shape differs.
 */
export function messageBody(event: OutboundEvent, format: MessageFormat): string {
  const { id, type, timestamp, data } = event;
  if (format === 'json') return JSON.stringify({ type, timestamp, data });
  const summary = summarise(event);
  const lines = summary.facts.map((entry) => `${entry.name}: ${entry.value}`);
  if (format === 'slack') {
    return JSON.stringify({
      text: `${summary.title} (${type})`,
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: `*${summary.title}*` } },
        ...(lines.length > 0 ? [{ type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } }] : []),
        { type: 'context', elements: [{ type: 'mrkdwn', text: `${type} · ${timestamp} · ${id}` }] },
      ],
    });
  }
  return JSON.stringify({
    '@type': 'MessageCard',
    '@context': 'https://schema.org/extensions',
    summary: summary.title,
    themeColor: summary.trouble ? 'D13438' : '2EB886',
    title: summary.title,
    text: `${type} · ${timestamp}`,
    sections: [{ facts: summary.facts.map((entry) => ({ name: entry.name, value: entry.value })) }],
  });
}

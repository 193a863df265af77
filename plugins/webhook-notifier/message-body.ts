import { summarise } from './event-summary.js';
import type { OutboundEvent } from './outbound-event.js';

/** What a target's `format` asks for. */
export type MessageFormat = 'json' | 'slack' | 'teams';

/**
 * The request body for a target: the event itself (`json`), or a message the incoming webhooks
 * of Slack (`text` with `blocks`) or Microsoft Teams accept. Teams takes Adaptive Cards only
 * since its Workflows replaced the Office 365 connectors and their MessageCards. The event's own
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
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            { type: 'TextBlock', text: summary.title, weight: 'Bolder', size: 'Medium', wrap: true, color: summary.trouble ? 'Attention' : 'Good' },
            ...(summary.facts.length > 0 ? [{ type: 'FactSet', facts: summary.facts.map((entry) => ({ title: entry.name, value: entry.value })) }] : []),
            { type: 'TextBlock', text: `${type} · ${timestamp} · ${id}`, isSubtle: true, size: 'Small', wrap: true },
          ],
        },
      },
    ],
  });
}

import { createHmac } from 'node:crypto';

/** The Standard Webhooks headers of one request. */
export interface WebhookHeaders {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
}

/**
 * Signs `body` as the Standard Webhooks specification says: HMAC-SHA256, keyed with the
 * secret's decoded bytes, of `<id>.<timestamp>.<body>`, sent base64 as `v1,<signature>`.
 * `timestampSeconds` is the attempt's own time (receivers refuse old ones).
 */
export function signWebhook(key: Buffer, id: string, timestampSeconds: number, body: string): WebhookHeaders {
  const timestamp = String(timestampSeconds);
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
}

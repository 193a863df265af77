import { createHash } from 'node:crypto';
import { z } from 'zod';
import { eventTypes } from './outbound-event.js';

/** Standard Webhooks' retry schedule after the first attempt: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
export const STANDARD_RETRY_DELAYS_SECONDS = [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000] as const;

/** The key of a `whsec_` secret: the base64 after the prefix, decoded; null when it is not one. */
export function secretKey(secret: string): Buffer | null {
  const match = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(secret);
  if (match?.[1] === undefined) return null;
  const key = Buffer.from(match[1], 'base64');
  return key.length >= 16 ? key : null;
}

const url = z.string().superRefine((value, ctx) => {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be an http:// or https:// URL' });
    return;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') ctx.addIssue({ code: 'custom', message: 'must be an http:// or https:// URL' });
  if (parsed.username !== '' || parsed.password !== '') ctx.addIssue({ code: 'custom', message: 'must not contain credentials' });
});

const target = z.strictObject({
  /** Where events are posted. For Slack and Teams, the incoming webhook's URL. */
  url,
  /** `whsec_` + base64 of at least 16 random bytes: signs every request (Standard Webhooks). */
  secret: z.string().refine((value) => secretKey(value) !== null, {
    message: 'must be a Standard Webhooks secret: whsec_ followed by the base64 of at least 16 random bytes',
  }),
  /** The event types this target gets; all by default. */
  events: z.array(z.enum(eventTypes)).min(1).optional(),
  /** The body: the event as JSON, or a message Slack or Microsoft Teams incoming webhooks accept. */
  format: z.enum(['json', 'slack', 'teams']).default('json'),
  /** How operators see the target in `GET /api/event-deliveries`; by default its host and a hash of its URL. */
  name: z.string().min(1).max(100).optional(),
});

export const notifierOptions = z
  .strictObject({
    targets: z.array(target).default([]),
    /** Seconds to wait before each retry of a failed delivery; Standard Webhooks' schedule by default. */
    retryDelaysSeconds: z.array(z.number().nonnegative()).max(20).default([...STANDARD_RETRY_DELAYS_SECONDS]),
    /** How long one attempt waits for the receiver's answer. */
    timeoutSeconds: z.number().positive().max(300).default(15),
  })
  .superRefine((options, ctx) => {
    const seen = new Set<string>();
    for (const [index, configured] of options.targets.entries()) {
      const name = targetName(configured);
      if (seen.has(name)) ctx.addIssue({ code: 'custom', path: ['targets', index, 'name'], message: `target name '${name}' is used twice` });
      seen.add(name);
    }
  });

export type NotifierOptions = z.output<typeof notifierOptions>;
export type NotifierTarget = NotifierOptions['targets'][number];

/**
 * The name deliveries are stored and shown under. The URL itself is never shown: for Slack and
 * Teams its path is the credential.
 */
export function targetName(configured: { readonly url: string; readonly name?: string | undefined }): string {
  if (configured.name !== undefined) return configured.name;
  const hash = createHash('sha256').update(configured.url).digest('hex').slice(0, 8);
  return `${new URL(configured.url).host}#${hash}`;
}

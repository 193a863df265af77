import { errorMessage, type AttemptResult } from '../../core/plugin-api.js';
import { signWebhook } from './sign-webhook.js';

/** One signed POST, as the notifier sends it. */
export interface WebhookRequest {
  readonly url: string;
  readonly key: Buffer;
  readonly id: string;
  readonly body: string;
  readonly userAgent: string;
  /** The attempt's time, epoch ms: the signature's timestamp. */
  readonly now: number;
}

/** Why a request failed, without the URL (Slack's and Teams' hold the credential in the path). */
function failureReason(err: unknown): string {
  const cause = err instanceof Error && err.cause !== undefined ? err.cause : err;
  return errorMessage(cause);
}

/** Posts one event; a 2xx answer delivers it, anything else is retried. */
export async function postWebhook(request: WebhookRequest, signal: AbortSignal): Promise<AttemptResult> {
  const headers = signWebhook(request.key, request.id, Math.floor(request.now / 1000), request.body);
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', 'user-agent': request.userAgent },
      body: request.body,
      signal,
      // A redirect would send the signed event somewhere nobody configured.
      redirect: 'manual',
    });
  } catch (err) {
    return { delivered: false, error: signal.aborted ? errorMessage(signal.reason) : failureReason(err) };
  }
  // The answer's body is not used: drop it so the connection is freed.
  await response.body?.cancel().catch(() => undefined);
  const delivered = response.status >= 200 && response.status < 300;
  return { delivered, statusCode: response.status, error: delivered ? null : `the receiver answered ${response.status}` };
}

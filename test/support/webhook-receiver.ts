import { randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ExecutionContext } from 'ava';
import { Webhook } from 'standardwebhooks';

/** A request the receiver got, checked with the `standardwebhooks` package (not the host's code). */
export interface ReceivedWebhook {
  readonly id: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
  readonly json: Record<string, unknown>;
  /** The signature verified against the receiver's secret (and the timestamp is current). */
  readonly verified: boolean;
  /** The status the receiver answered; null while it holds the request. */
  status: number | null;
}

/** What the receiver answers a request with: a status, or `hold` (no answer until released). */
export type ReceiverAnswer = number | 'hold';

export interface WebhookReceiver {
  readonly url: string;
  /** A `whsec_` secret for the target's config. */
  readonly secret: string;
  readonly received: ReceivedWebhook[];
  /** Decides each answer from then on. */
  answerWith(answer: (request: ReceivedWebhook) => ReceiverAnswer): void;
  /** Answers every held request with `status`. */
  release(status: number): void;
  /** The requests of one event (webhook-id). */
  ofEvent(id: string): ReceivedWebhook[];
}

/** A new Standard Webhooks secret: `whsec_` and the base64 of 24 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/** A real HTTP receiver on a free loopback port, closed when the test ends. */
export async function useWebhookReceiver(t: ExecutionContext, path = '/hook'): Promise<WebhookReceiver> {
  const secret = newWebhookSecret();
  const verifier = new Webhook(secret);
  const received: ReceivedWebhook[] = [];
  const held = new Map<ReceivedWebhook, ServerResponse>();
  let answer: (request: ReceivedWebhook) => ReceiverAnswer = () => 200;
  const respond = (request: ReceivedWebhook, res: ServerResponse, status: number) => {
    request.status = status;
    res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
  };
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const headers = { ...req.headers };
      let verified = true;
      try {
        verifier.verify(body, {
          'webhook-id': String(headers['webhook-id']),
          'webhook-timestamp': String(headers['webhook-timestamp']),
          'webhook-signature': String(headers['webhook-signature']),
        });
      } catch {
        verified = false;
      }
      let json: Record<string, unknown> = {};
      try {
        json = JSON.parse(body) as Record<string, unknown>;
      } catch {
        // kept as text: a test asserting on the shape fails on it
      }
      const request: ReceivedWebhook = { id: String(headers['webhook-id']), headers, body, json, verified, status: null };
      received.push(request);
      if (req.url !== path) return respond(request, res, 404);
      const decided = answer(request);
      if (decided === 'hold') held.set(request, res);
      else respond(request, res, decided);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  t.teardown(async () => {
    for (const res of held.values()) res.destroy();
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    secret,
    received,
    answerWith: (decide) => void (answer = decide),
    release(status) {
      for (const [request, res] of held) respond(request, res, status);
      held.clear();
    },
    ofEvent: (id) => received.filter((request) => request.id === id),
  };
}

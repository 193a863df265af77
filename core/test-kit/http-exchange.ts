import { request } from 'node:http';

/** A raw HTTP answer. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

/**
 * One HTTP request on a connection of its own. Test clients do not pool connections: on a busy
 * machine a pooled connection can be reused just as the server closes it after its keep-alive
 * timeout, and the request then fails without ever reaching the host.
 */
export function httpExchange(url: string, method: string, headers: Readonly<Record<string, string>>, body?: string): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const sized = body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) };
    const outgoing = request(url, { method, headers: sized, agent: false }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('error', reject);
      incoming.on('end', () => {
        const answerHeaders = new Headers();
        for (const [name, value] of Object.entries(incoming.headers)) {
          for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value]) answerHeaders.append(name, item);
        }
        resolve({ status: incoming.statusCode ?? 0, headers: answerHeaders, text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

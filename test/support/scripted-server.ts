import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ExecutionContext } from 'ava';

/** One answer of a {@link useScriptedServer}: a status with a JSON body, or a dropped connection. */
export type ScriptedAnswer =
  | { readonly status: number; readonly body?: Record<string, unknown>; readonly headers?: Record<string, string> }
  | 'drop';

/** A request the scripted server received. */
export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** `performance.now()` when it arrived. */
  readonly at: number;
}

/**
 * A real HTTP server that fails on purpose: it gives the scripted answers in order (the last
 * one again once the script ends), and records every request. `drop` reads the request, then
 * destroys the connection without an answer, like a host that crashed while working.
 */
export async function useScriptedServer(t: ExecutionContext, script: readonly ScriptedAnswer[]): Promise<{ url: string; requests: ReceivedRequest[] }> {
  const requests: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const answer = script[Math.min(requests.length, script.length - 1)] ?? 'drop';
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, at: performance.now() });
      if (answer === 'drop') {
        req.socket.destroy();
        return;
      }
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(JSON.stringify(answer.body ?? {}));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  t.teardown(() => new Promise<void>((done) => server.close(() => done())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

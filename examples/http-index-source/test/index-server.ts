import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A real HTTP server publishing a catalog: an `index.json` and the files it lists. */
export interface IndexServer {
  /** The index's URL: `http://127.0.0.1:<port>/catalog/index.json`. */
  readonly indexUrl: string;
  /** Paths requested so far, in order, with the answer's status (`GET /catalog/a.yaml 200`). */
  readonly requests: string[];
  /** Publishes (or replaces) files below `/catalog/`. */
  publish(files: Readonly<Record<string, string>>): void;
  /** Removes published files. */
  unpublish(...paths: string[]): void;
  /** Replaces `index.json` by the list of files and, when given, a revision. */
  index(files: readonly string[], revision?: string): void;
  close(): Promise<void>;
}

/**
 * Starts the server on a free loopback port. `index.json` carries an ETag (a digest of its
 * text) and is answered 304 to a matching If-None-Match, as static file servers do.
 */
export async function startIndexServer(): Promise<IndexServer> {
  const files = new Map<string, string>();
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const body = path.startsWith('/catalog/') ? files.get(path.slice('/catalog/'.length)) : undefined;
    const answer = (status: number, text = '', headers: Record<string, string> = {}) => {
      requests.push(`${req.method} ${path} ${status}`);
      res.writeHead(status, headers).end(text);
    };
    if (body === undefined) return answer(404, 'not found');
    if (path !== '/catalog/index.json') return answer(200, body, { 'content-type': 'application/yaml' });
    const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;
    if (req.headers['if-none-match'] === etag) return answer(304, '', { etag });
    return answer(200, body, { 'content-type': 'application/json', etag });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    indexUrl: `http://127.0.0.1:${port}/catalog/index.json`,
    requests,
    publish: (published) => {
      for (const [path, text] of Object.entries(published)) files.set(path, text);
    },
    unpublish: (...paths) => {
      for (const path of paths) files.delete(path);
    },
    index: (listed, revision) => void files.set('index.json', JSON.stringify({ files: listed, ...(revision === undefined ? {} : { revision }) })),
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** A valid single-stack product manifest. */
export function productManifest(name: string, version: string): string {
  return `metadata:\n  name: ${name}\n  productId: com.example.${name}\n  productVersion: "${version}"\nservices:\n  web:\n    image: example/${name}:${version}\n`;
}

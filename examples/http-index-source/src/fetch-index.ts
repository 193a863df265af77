import { MAX_MANIFEST_BYTES } from 'rsgo/plugin';
import { readLimitedText } from './read-limited-text.js';
import { shownUrl } from './shown-url.js';

/** What `index.json` says, and the validator the server gave it. */
export interface HttpIndex {
  /** Paths of the manifest files, relative to the index's folder. */
  readonly files: readonly string[];
  /** The publisher's revision of the whole catalog (a commit id, a build number), if it states one. */
  readonly revision: string | null;
  /** The index's ETag, for a conditional request next time. */
  readonly etag: string | null;
}

/** The server confirmed that the index did not change since the ETag that was sent. */
export interface IndexNotModified {
  readonly notModified: true;
}

export interface FetchIndexOptions {
  readonly headers: Readonly<Record<string, string>>;
  /** The ETag of the index last fetched; sent as If-None-Match. */
  readonly etag: string | null;
  readonly signal: AbortSignal;
}

/** Checks the parsed index: `{ "files": [string, ...], "revision"?: string }`. */
function indexContent(parsed: unknown, where: string): { files: string[]; revision: string | null } {
  const shape = `${where} must be a JSON object { "files": ["path", ...], "revision": "optional" }`;
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(shape);
  const { files, revision } = parsed as { files?: unknown; revision?: unknown };
  if (!Array.isArray(files) || !files.every((file): file is string => typeof file === 'string')) throw new Error(shape);
  if (revision !== undefined && (typeof revision !== 'string' || revision === '')) throw new Error(`${where}: "revision" must be a non-empty string`);
  return { files, revision: revision ?? null };
}

/** Fetches and checks the index; a 304 answer to a conditional request means nothing changed. */
export async function fetchIndex(url: URL, options: FetchIndexOptions): Promise<HttpIndex | IndexNotModified> {
  const where = `index ${shownUrl(url)}`;
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.etag !== null) headers['if-none-match'] = options.etag;
  let response: Response;
  try {
    response = await fetch(url, { headers, signal: options.signal, redirect: 'error' });
  } catch (err) {
    const reason = err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);
    throw new Error(`cannot fetch ${where}: ${reason}`);
  }
  if (response.status === 304 && options.etag !== null) return { notModified: true };
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`${where} answered HTTP ${response.status}`);
  }
  const text = await readLimitedText(response, where, MAX_MANIFEST_BYTES);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${where} is not JSON`);
  }
  return { ...indexContent(parsed, where), etag: response.headers.get('etag') };
}

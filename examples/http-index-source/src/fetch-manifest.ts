import { MAX_MANIFEST_BYTES } from 'rsgo/plugin';
import { readLimitedText } from './read-limited-text.js';

export interface FetchManifestOptions {
  readonly headers: Readonly<Record<string, string>>;
  readonly signal: AbortSignal;
}

/** A failed read, with a short code the host shows in its warning (`cannot be read (HTTP_404)`). */
function readError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

/**
 * The URL of a listed file. Each path segment is encoded, so a listed path can never become
 * another host (`https://...`) or a query; the host has already dropped paths with `..`.
 */
export function manifestUrl(indexUrl: URL, path: string): URL {
  const url = new URL(path.split('/').map(encodeURIComponent).join('/'), indexUrl);
  const folder = new URL('.', indexUrl);
  if (url.origin !== folder.origin || !url.pathname.startsWith(folder.pathname)) {
    throw readError(`'${path}' is outside the index's folder`, 'OUTSIDE_INDEX');
  }
  return url;
}

/** Reads one manifest listed in the index, relative to the index's folder. */
export async function fetchManifest(indexUrl: URL, path: string, options: FetchManifestOptions): Promise<string> {
  const url = manifestUrl(indexUrl, path);
  let response: Response;
  try {
    response = await fetch(url, { headers: { ...options.headers }, signal: options.signal, redirect: 'error' });
  } catch (err) {
    const cause = err instanceof Error ? err.cause : undefined;
    const code = typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string' ? cause.code : 'FETCH_FAILED';
    throw readError(`cannot fetch '${path}'`, code);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw readError(`'${path}' answered HTTP ${response.status}`, `HTTP_${response.status}`);
  }
  return readLimitedText(response, `'${path}'`, MAX_MANIFEST_BYTES);
}

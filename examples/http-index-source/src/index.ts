import { definePlugin, z } from 'rsgo/plugin';
import { fetchIndex } from './fetch-index.js';
import { fetchManifest } from './fetch-manifest.js';

/** This package's version, shown by `GET /api/plugins` (a test keeps it equal to package.json's). */
export const VERSION = '0.1.0';

/**
 * Catalog source: the manifests listed in an `index.json` served over HTTP(S). The host does
 * everything else (parsing, validation, ids, merging, counting, last good state); this plugin
 * only lists and reads files.
 */
export default definePlugin({
  id: 'http-index-source',
  apiVersion: '1.0',
  version: VERSION,
  options: z.strictObject({
    /** The index: `{ "files": ["a.yaml", "wiki/wiki.yaml"], "revision": "optional" }`. */
    url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
    /** Sent with every request, e.g. `authorization: Bearer ${CATALOG_TOKEN}`. */
    headers: z.record(z.string(), z.string()).default({}),
  }),
  setup({ hooks, options, log }) {
    const indexUrl = new URL(options.url);
    const { headers } = options;
    // The last index seen: its ETag lets the server answer 304 when nothing was republished.
    let last: { etag: string; revision: string } | null = null;

    hooks.catalogSource.tap(async (request) => {
      const { previousRevision, signal } = request;
      const etag = last !== null && last.revision === previousRevision ? last.etag : null;
      const index = await fetchIndex(indexUrl, { headers, etag, signal });
      if ('notModified' in index) return { unchanged: true };
      last = index.etag !== null && index.revision !== null ? { etag: index.etag, revision: index.revision } : null;
      log.debug({ files: index.files.length, revision: index.revision }, 'index fetched');
      // Without a revision the host reads every file on every sync; with one it reads them only
      // when the revision moved (it compares the revision itself).
      return {
        files: index.files,
        revision: index.revision,
        read: (path) => fetchManifest(indexUrl, path, { headers, signal }),
      };
    });
  },
});

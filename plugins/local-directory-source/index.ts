import { resolve } from 'node:path';
import { z } from 'zod';
import { definePlugin, directorySourceFiles } from '../../core/plugin-api.js';

/** Catalog source: the manifests in a local folder. */
export default definePlugin({
  id: 'local-directory-source',
  apiVersion: '1.0',
  version: '1.0.0',
  options: z.strictObject({
    /** Folder holding the manifests; relative to the config file. */
    path: z.string().min(1),
    /** File-name globs separated by `;`. */
    filePattern: z.string().min(1).default('*.yml;*.yaml'),
  }),
  setup({ hooks, options, configDir }) {
    const root = resolve(configDir, options.path);
    hooks.catalogSource.tap(async (request) => {
      const files = await directorySourceFiles(root, { filePattern: options.filePattern, signal: request.signal, displayPath: options.path });
      // Same paths, sizes and times as last time: nothing to re-parse.
      return files.revision === request.previousRevision ? { unchanged: true } : files;
    });
  },
});

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * Builds the web UI into `dist/web`, which the host serves at `/`. Everything is bundled: the
 * pages load nothing from other origins at run time (the host's CSP forbids it anyway).
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  // `npm run dev:web`: the UI with live reload, its API calls passed on to a host on :8080.
  server: { proxy: { '/api': 'http://127.0.0.1:8080', '/healthz': 'http://127.0.0.1:8080' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // No data: URLs: the CSP allows images from the host only.
    assetsInlineLimit: 0,
    // Every browser the UI supports has module preload; the polyfill would only add bytes.
    modulePreload: { polyfill: false },
  },
});

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Middleware } from 'koa';
import { InputError } from '../errors.js';
import type { AppContext, RequestState } from './request-state.js';

/**
 * The built web UI (`dist/web`). Compiled code runs from `dist/core/http/`, next to the bundle;
 * the TypeScript sources (tests, `tsx`) run from `core/http/` and find it under `dist/`.
 */
export function defaultWebRoot(): string {
  const fromSource = import.meta.url.endsWith('.ts');
  return fileURLToPath(new URL(fromSource ? '../../dist/web/' : '../../web/', import.meta.url));
}

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The UI's pages load only their own scripts and styles and talk only to this host: an injected
 * script could not run, nor send a session token anywhere else.
 */
export const WEB_UI_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const NOT_BUILT_MESSAGE = 'The web UI is not built yet. Run `npm run build` (`npm start` builds it too), then reload this page.\n';

/** Vite puts content-hashed files under `assets/`: a changed file gets a new name. */
const isHashedAsset = (relative: string) => relative.startsWith('assets/');

/** Paths the UI never serves: the API and the health check keep their JSON answers. */
const isServerPath = (path: string) => path === '/api' || path.startsWith('/api/') || path === '/healthz';

async function fileAt(path: string): Promise<{ size: number; mtimeMs: number } | null> {
  try {
    const found = await stat(path);
    return found.isFile() ? found : null;
  } catch {
    return null;
  }
}

/** The request path as a file path under `root`, or null when it would leave it. */
function fileUnder(root: string, requestPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(requestPath);
  } catch {
    throw new InputError('Malformed URL path.');
  }
  if (decoded.includes('\0')) return null;
  const file = resolve(root, `.${decoded}`);
  return file === root || file.startsWith(root + sep) ? file : null;
}

function setPageHeaders(ctx: AppContext): void {
  ctx.set('Content-Security-Policy', WEB_UI_CSP);
  ctx.set('X-Frame-Options', 'DENY');
  ctx.set('Referrer-Policy', 'no-referrer');
  ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
}

async function send(ctx: AppContext, file: string, info: { size: number; mtimeMs: number }, cacheControl: string): Promise<void> {
  const type = contentTypes[extname(file).toLowerCase()] ?? 'application/octet-stream';
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Cache-Control', cacheControl);
  if (type.startsWith('text/html')) setPageHeaders(ctx);
  ctx.etag = `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
  ctx.lastModified = new Date(info.mtimeMs);
  ctx.status = 200;
  if (ctx.fresh) {
    ctx.status = 304;
    return;
  }
  ctx.type = type;
  ctx.length = info.size;
  // A HEAD answer keeps its headers and no body (Koa sends none); no file is opened for it.
  if (ctx.method !== 'HEAD') ctx.body = createReadStream(file);
}

/**
 * Serves the built single-page UI from `root` for GET and HEAD requests outside `/api/`:
 * existing files as they are (hashed assets cached for a year), `index.html` for client-side
 * routes (paths without a file extension). Without a build, pages answer how to make one.
 */
export function webUi(root: string): Middleware<RequestState> {
  const base = resolve(root);
  const index = resolve(base, 'index.html');
  return async (ctx, next) => {
    await next();
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || ctx.body !== undefined || isServerPath(ctx.path)) return;
    const file = fileUnder(base, ctx.path);
    if (file === null) return;
    const relative = file === base ? '' : file.slice(base.length + 1).split(sep).join('/');
    const found = relative === '' ? null : await fileAt(file);
    if (found) {
      await send(ctx, file, found, isHashedAsset(relative) ? 'public, max-age=31536000, immutable' : 'no-cache');
      return;
    }
    // A missing file with an extension is a 404, not the app: a broken asset link shows as one.
    if (extname(ctx.path) !== '') return;
    const page = await fileAt(index);
    if (!page) {
      ctx.status = 503;
      ctx.type = 'text/plain; charset=utf-8';
      ctx.set('Cache-Control', 'no-store');
      ctx.body = NOT_BUILT_MESSAGE;
      return;
    }
    await send(ctx, index, page, 'no-cache');
  };
}

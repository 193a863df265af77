import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { NotFoundError } from '../../errors.js';
import { openApiDocument } from '../openapi-document.js';
import { defineRoute, type RouteDefinition } from '../route-table.js';

/** Swagger UI's own files, from its package: the rendered view needs nothing from the internet. */
const swaggerUiFolder = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/** The files of the rendered view, by the name it is served under, and their media types. */
const assets: Readonly<Record<string, { readonly file: string; readonly type: string }>> = {
  'swagger-ui.css': { file: join(swaggerUiFolder, 'swagger-ui.css'), type: 'text/css; charset=utf-8' },
  'swagger-ui-bundle.js': { file: join(swaggerUiFolder, 'swagger-ui-bundle.js'), type: 'text/javascript; charset=utf-8' },
};

// In a file of its own, not inline: the page's CSP allows only this host's scripts.
const INIT_SCRIPT = "window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#api', deepLinking: true });\n";

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>rsgo API</title>
<link rel="stylesheet" href="/api/docs/swagger-ui.css">
</head>
<body>
<div id="api"></div>
<script src="/api/docs/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script>
</body>
</html>
`;

/** Swagger UI sets styles inline and shows its logo as a data URL; scripts stay this host's own. */
const DOCS_CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

/**
 * `GET /api/openapi.json` (the OpenAPI 3.1 document of `routes()`, every route the host serves)
 * and its rendered view at `GET /api/docs`, both without authentication: they describe the
 * API, they hold no data.
 */
export function apiDocsRoutes(routes: () => readonly RouteDefinition[], version: string): RouteDefinition[] {
  let document: object | undefined;
  const tag = 'API description';
  return [
    defineRoute({
      method: 'get', path: '/api/openapi.json', tag, auth: { kind: 'none' },
      summary: 'This OpenAPI 3.1 document.',
      answers: { 200: 'The document.' },
      handle(ctx) {
        // Built once: the routes do not change while the host runs.
        document ??= openApiDocument(routes(), version);
        ctx.body = document;
      },
    }),
    defineRoute({
      method: 'get', path: '/api/docs', tag, auth: { kind: 'none' },
      summary: 'The rendered view of this document (Swagger UI, served by the host).',
      answers: { 200: { description: 'An HTML page.', contentType: 'text/html' } },
      handle(ctx) {
        ctx.set('Content-Security-Policy', DOCS_CSP);
        ctx.type = 'text/html; charset=utf-8';
        ctx.body = PAGE;
      },
    }),
    defineRoute({
      method: 'get', path: '/api/docs/:file', tag, auth: { kind: 'none' },
      summary: "The rendered view's scripts and styles.",
      answers: { 200: { description: 'A script or a style sheet.', contentType: 'text/javascript' }, 404: 'No such file.' },
      async handle(ctx) {
        const name = ctx.params['file'] ?? '';
        ctx.set('Content-Security-Policy', DOCS_CSP);
        if (name === 'init.js') {
          ctx.type = 'text/javascript; charset=utf-8';
          ctx.body = INIT_SCRIPT;
          return;
        }
        const asset = Object.hasOwn(assets, name) ? assets[name] : undefined;
        if (asset === undefined) throw new NotFoundError(`No file '${name}' in the API view.`);
        ctx.type = asset.type;
        ctx.body = await readFile(asset.file);
      },
    }),
  ];
}

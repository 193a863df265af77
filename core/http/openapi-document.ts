import { z } from 'zod';
import type { RouteAnswer, RouteDefinition } from './route-table.js';

/** A JSON value of the document. */
type Json = Readonly<Record<string, unknown>>;

/** A request schema as JSON Schema 2020-12 (OpenAPI 3.1's dialect), as the client sends it. */
function jsonSchemaOf(schema: z.ZodType): Json {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

/** `/api/deployments/:id` → `/api/deployments/{id}`, and the names of its path parameters. */
function openApiPath(path: string): { readonly path: string; readonly params: readonly string[] } {
  const params: string[] = [];
  const converted = path.replace(/:(\w+)/g, (_match, name: string) => {
    params.push(name);
    return `{${name}}`;
  });
  return { path: converted, params };
}

/** The query schema's properties as OpenAPI parameters. */
function queryParameters(query: z.ZodType | undefined): Json[] {
  if (query === undefined) return [];
  const schema = jsonSchemaOf(query);
  const properties = (schema['properties'] ?? {}) as Record<string, Json>;
  const required = new Set((schema['required'] ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return { name, in: 'query', required: required.has(name), ...(description === undefined ? {} : { description }), schema: rest };
  });
}

const errorBody: Json = {
  type: 'object',
  required: ['success', 'message', 'code'],
  properties: {
    success: { const: false },
    message: { type: 'string' },
    code: { type: 'string', description: 'Stable error code (docs/errors.md).' },
    requestId: { type: 'string' },
  },
};

function answerOf(status: number, answer: RouteAnswer | string): Json {
  const { description, contentType } = typeof answer === 'string' ? { description: answer, contentType: undefined } : answer;
  if (contentType !== undefined) return { description, content: { [contentType]: {} } };
  const schema = status >= 400 ? { $ref: '#/components/schemas/Error' } : { type: 'object' };
  return { description, content: { 'application/json': { schema } } };
}

const securityOf = (route: RouteDefinition): Json[] => {
  switch (route.auth.kind) {
    case 'none':
      return [];
    case 'user':
      return [{ session: [] }];
    case 'apiKey':
    case 'caller':
      return [{ apiKey: [] }, { session: [] }];
  }
};

/** The operation object of one route. */
function operationOf(route: RouteDefinition, params: readonly string[]): Json {
  const auth = route.auth.kind === 'apiKey' ? ` Needs an API key with \`${route.auth.permission}\` (or a signed-in user).` : '';
  return {
    operationId: `${route.method}${route.path.replace(/[^A-Za-z0-9]+(.)?/g, (_match, next: string | undefined) => (next ?? '').toUpperCase())}`,
    summary: route.summary,
    ...(auth === '' ? {} : { description: auth.trim() }),
    tags: [route.tag],
    security: securityOf(route),
    parameters: [...params.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })), ...queryParameters(route.query)],
    ...(route.body === undefined ? {} : { requestBody: { required: false, content: { 'application/json': { schema: jsonSchemaOf(route.body) } } } }),
    responses: Object.fromEntries(Object.entries(route.answers).map(([status, answer]) => [status, answerOf(Number(status), answer)])),
  };
}

/**
 * The OpenAPI 3.1 document of `routes`, generated from the very definitions the router mounts:
 * paths, summaries, authentication, and request bodies and queries from the zod schemas that
 * validate them.
 */
export function openApiDocument(routes: readonly RouteDefinition[], version: string): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of routes) {
    const { path, params } = openApiPath(route.path);
    paths[path] = { ...paths[path], [route.method]: operationOf(route, params) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'rsgo',
      version,
      description: 'Deployment host for Docker stacks: CI webhooks and the management API. Errors answer `{success:false, message, code, requestId}`.',
    },
    paths,
    components: {
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key', description: 'An API key (hooks only).' },
        session: { type: 'http', scheme: 'bearer', description: 'A session token from `POST /api/auth/login`.' },
      },
      schemas: { Error: errorBody },
    },
  };
}

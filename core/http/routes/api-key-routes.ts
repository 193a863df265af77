import type { AuditRecorder } from '../../audit/audit-event.js';
import { requestAuditFields } from '../request-audit-fields.js';
import { defineRoute, type RouteDefinition } from '../route-table.js';
import type { ApiKeyService } from '../../api-keys/api-key-service.js';
import { newApiKeyBody } from '../../api-keys/new-api-key.js';

export interface ApiKeyRoutesOptions {
  readonly apiKeys: ApiKeyService;
  readonly audit: AuditRecorder;
  /** The permissions a key may hold: those of the hook endpoints the host serves. */
  readonly permissions: readonly string[];
}

/** `POST|GET /api/api-keys`, `DELETE /api/api-keys/:id`: signed-in users only, never API keys. */
export function apiKeyRoutes({ apiKeys, audit, permissions }: ApiKeyRoutesOptions): RouteDefinition[] {
  const tag = 'API keys';
  return [
    defineRoute({
      method: 'post', path: '/api/api-keys', tag, auth: { kind: 'user' }, body: newApiKeyBody(permissions),
      summary: 'Creates an API key for pipelines; its full value is shown only in this answer.',
      answers: { 201: '`{success, message, apiKey}` with `fullKey` once', 400: 'Bad input.', 404: 'No such environment.' },
      async handle(ctx, input) {
        const created = await apiKeys.create(input.body());
        await audit.record({
          ...requestAuditFields(ctx),
          action: 'apiKey.created',
          outcome: 'success',
          status: 201,
          target: `${created.name} (${created.id})`,
          environmentId: created.environmentId,
          message: `permissions: ${created.permissions.join(', ')}`,
        });
        ctx.status = 201;
        ctx.body = { success: true, message: 'API key created successfully.', apiKey: created };
      },
    }),
    defineRoute({
      method: 'get', path: '/api/api-keys', tag, auth: { kind: 'user' },
      summary: 'The API keys (never their values).',
      answers: { 200: '`{apiKeys}`' },
      async handle(ctx) {
        ctx.body = { apiKeys: await apiKeys.list() };
      },
    }),
    defineRoute({
      method: 'delete', path: '/api/api-keys/:id', tag, auth: { kind: 'user' },
      summary: 'Revokes an API key at once.',
      answers: { 200: '`{success, message}`', 404: 'No such API key.' },
      async handle(ctx) {
        const revoked = await apiKeys.revoke(ctx.params['id'] ?? '');
        await audit.record({
          ...requestAuditFields(ctx),
          action: 'apiKey.revoked',
          outcome: 'success',
          status: 200,
          target: `${revoked.name} (${revoked.id})`,
          environmentId: revoked.environmentId,
        });
        ctx.body = { success: true, message: `API key '${revoked.name}' revoked successfully.` };
      },
    }),
  ];
}

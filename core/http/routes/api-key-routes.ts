import Router from '@koa/router';
import type { AuditRecorder } from '../../audit/audit-event.js';
import { requestAuditFields } from '../request-audit-fields.js';
import type { HostHooks } from '../../hooks/host-hooks.js';
import { requireUser } from '../authorize.js';
import type { RequestState } from '../request-state.js';
import type { ApiKeyService } from '../../api-keys/api-key-service.js';
import { parseNewApiKey } from '../../api-keys/new-api-key.js';

export interface ApiKeyRoutesOptions {
  readonly hooks: HostHooks;
  readonly apiKeys: ApiKeyService;
  readonly audit: AuditRecorder;
  /** The permissions a key may hold: those of the hook endpoints the host serves. */
  readonly permissions: readonly string[];
}

/** `POST|GET /api/api-keys`, `DELETE /api/api-keys/:id`: signed-in users only, never API keys. */
export function apiKeyRoutes({ hooks, apiKeys, audit, permissions }: ApiKeyRoutesOptions): Router<RequestState> {
  const router = new Router<RequestState>();
  const signedIn = requireUser(hooks);

  router.post('/api/api-keys', signedIn, async (ctx) => {
    const created = await apiKeys.create(parseNewApiKey(ctx.request.body, permissions));
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
  });

  router.get('/api/api-keys', signedIn, async (ctx) => {
    ctx.body = { apiKeys: await apiKeys.list() };
  });

  router.delete('/api/api-keys/:id', signedIn, async (ctx) => {
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
  });
  return router;
}

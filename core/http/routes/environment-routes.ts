import Router from '@koa/router';
import type { AuditRecorder } from '../../audit/audit-event.js';
import { requestAuditFields } from '../request-audit-fields.js';
import { InputError } from '../../errors.js';
import type { HostHooks } from '../../hooks/host-hooks.js';
import { requireUser } from '../authorize.js';
import { jsonObject, optionalString } from '../../json-body.js';
import type { AppContext, RequestState } from '../request-state.js';
import type { Environment } from '../../environments/environment.js';
import { DEFAULT_ENVIRONMENT_TYPE, type EnvironmentService, type NewEnvironment } from '../../environments/environment-service.js';

/**
 * Reads a `POST /api/environments` body: `name`, `type` (the default runtime's when absent),
 * and every other field as settings for the runtime of that type to check.
 */
function parseNewEnvironment(body: unknown): NewEnvironment {
  const fields = jsonObject(body);
  const name = optionalString(fields, 'name');
  if (name === null) throw new InputError('Environment name is required.');
  const type = optionalString(fields, 'type') ?? DEFAULT_ENVIRONMENT_TYPE;
  const settings = Object.fromEntries(Object.entries(fields).filter(([field]) => field !== 'name' && field !== 'type'));
  return { name, type, settings };
}

/** `GET|POST /api/environments`, `DELETE /api/environments/:id`: signed-in users only. */
export function environmentRoutes(hooks: HostHooks, environments: EnvironmentService, audit: AuditRecorder): Router<RequestState> {
  const router = new Router<RequestState>();
  const signedIn = requireUser(hooks);
  const recorded = (ctx: AppContext, action: 'environment.created' | 'environment.deleted', environment: Environment) =>
    audit.record({ ...requestAuditFields(ctx), action, outcome: 'success', status: ctx.status, target: environment.name, environmentId: environment.id });
  router.get('/api/environments', signedIn, async (ctx) => {
    ctx.body = { environments: await environments.list() };
  });
  router.post('/api/environments', signedIn, async (ctx) => {
    const environment = await environments.create(parseNewEnvironment(ctx.request.body));
    ctx.status = 201;
    await recorded(ctx, 'environment.created', environment);
    ctx.body = { success: true, environment };
  });
  router.delete('/api/environments/:id', signedIn, async (ctx) => {
    const removed = await environments.remove(ctx.params['id'] ?? '');
    ctx.status = 200;
    await recorded(ctx, 'environment.deleted', removed);
    ctx.body = { success: true, message: `Environment '${removed.name}' deleted.` };
  });
  return router;
}

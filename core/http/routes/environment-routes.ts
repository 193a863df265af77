import { z } from 'zod';
import type { AuditRecorder } from '../../audit/audit-event.js';
import { requestAuditFields } from '../request-audit-fields.js';
import { optionalText, requiredText } from '../../request-schema.js';
import type { AppContext } from '../request-state.js';
import { defineRoute, type RouteDefinition } from '../route-table.js';
import type { Environment } from '../../environments/environment.js';
import { DEFAULT_ENVIRONMENT_TYPE, type EnvironmentService } from '../../environments/environment-service.js';

/**
 * A `POST /api/environments` body: `name`, `type` (the default runtime's when absent), and every
 * other field as settings for the runtime of that type to check.
 */
const newEnvironmentBody = z
  .object({
    name: requiredText('name', 'Environment name is required.'),
    type: optionalText('type').meta({ description: `The runtime type; '${DEFAULT_ENVIRONMENT_TYPE}' when absent.` }),
  })
  .catchall(z.unknown().meta({ description: "A setting for the runtime of that type (its own schema checks it)." }));

/** `GET|POST /api/environments`, `DELETE /api/environments/:id`: signed-in users only. */
export function environmentRoutes(environments: EnvironmentService, audit: AuditRecorder): RouteDefinition[] {
  const recorded = (ctx: AppContext, action: 'environment.created' | 'environment.deleted', environment: Environment) =>
    audit.record({ ...requestAuditFields(ctx), action, outcome: 'success', status: ctx.status, target: environment.name, environmentId: environment.id });
  const tag = 'Environments';
  return [
    defineRoute({
      method: 'get', path: '/api/environments', tag, auth: { kind: 'user' },
      summary: 'The environments stacks run in.',
      answers: { 200: '`{environments}`' },
      async handle(ctx) {
        ctx.body = { environments: await environments.list() };
      },
    }),
    defineRoute({
      method: 'post', path: '/api/environments', tag, auth: { kind: 'user' }, body: newEnvironmentBody,
      summary: 'Creates an environment; settings are checked by the runtime serving its type.',
      answers: { 201: '`{success, environment}`', 400: 'Bad input or settings.', 409: 'The name is taken.' },
      async handle(ctx, input) {
        const { name, type, ...settings } = input.body();
        const environment = await environments.create({ name, type: type ?? DEFAULT_ENVIRONMENT_TYPE, settings });
        ctx.status = 201;
        await recorded(ctx, 'environment.created', environment);
        ctx.body = { success: true, environment };
      },
    }),
    defineRoute({
      method: 'delete', path: '/api/environments/:id', tag, auth: { kind: 'user' },
      summary: 'Deletes an environment that has no live deployments.',
      answers: { 200: '`{success, message}`', 404: 'No such environment.', 409: 'Deployments still live there.' },
      async handle(ctx) {
        const removed = await environments.remove(ctx.params['id'] ?? '');
        ctx.status = 200;
        await recorded(ctx, 'environment.deleted', removed);
        ctx.body = { success: true, message: `Environment '${removed.name}' deleted.` };
      },
    }),
  ];
}

import Router from '@koa/router';
import type { AuditRecorder } from '../../audit/audit-event.js';
import { requestAuditFields } from '../request-audit-fields.js';
import { InputError } from '../../errors.js';
import type { HostHooks } from '../../hooks/host-hooks.js';
import { requireUser } from '../authorize.js';
import { jsonObject, optionalString, type JsonObject } from '../../json-body.js';
import type { RequestState } from '../request-state.js';
import type { EnvironmentService, NewEnvironment } from '../../environments/environment-service.js';

const runtimeType = /^[a-z][a-z0-9-]{0,39}$/;
const dockerHostPattern = /^(unix|tcp|npipe|ssh):\/\/\S+$/;

/** Checks a `POST /api/environments` body. */
function parseNewEnvironment(body: unknown): NewEnvironment {
  const fields = jsonObject(body);
  const name = optionalString(fields, 'name');
  if (name === null) throw new InputError('Environment name is required.');
  const type = optionalString(fields, 'type') ?? 'docker';
  if (!runtimeType.test(type)) throw new InputError(`Invalid environment type '${type}'.`);
  const dockerHost = optionalString(fields, 'dockerHost');
  if (dockerHost !== null && !dockerHostPattern.test(dockerHost)) {
    throw new InputError('dockerHost must be a unix://, tcp://, npipe:// or ssh:// address.');
  }
  return { name, type, dockerHost, tls: parseTls(fields, dockerHost) };
}

/**
 * The optional `tls: {ca, cert, key}` of a `tcp://` engine: PEM text of the CA that signed the
 * engine's certificate and of the client certificate and key. All three or none.
 */
function parseTls(fields: JsonObject, dockerHost: string | null): NewEnvironment['tls'] {
  const value = fields['tls'];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw new InputError("Field 'tls' must be an object with ca, cert and key.");
  const tls = value as JsonObject;
  // PEM text is kept exactly as given (no trimming).
  const pem = (part: string): string => {
    const text = tls[part];
    if (typeof text !== 'string' || !text.trimStart().startsWith('-----BEGIN ')) {
      throw new InputError("Field 'tls' needs ca, cert and key, each PEM text (-----BEGIN ...).");
    }
    return text;
  };
  const [ca, cert, key] = [pem('ca'), pem('cert'), pem('key')];
  if (dockerHost === null || !dockerHost.startsWith('tcp://')) throw new InputError('TLS client certificates need a tcp:// dockerHost.');
  return { ca, cert, key };
}

/** `GET|POST /api/environments`: signed-in users only. */
export function environmentRoutes(hooks: HostHooks, environments: EnvironmentService, audit: AuditRecorder): Router<RequestState> {
  const router = new Router<RequestState>();
  const signedIn = requireUser(hooks);
  router.get('/api/environments', signedIn, async (ctx) => {
    ctx.body = { environments: await environments.list() };
  });
  router.post('/api/environments', signedIn, async (ctx) => {
    const environment = await environments.create(parseNewEnvironment(ctx.request.body));
    await audit.record({
      ...requestAuditFields(ctx),
      action: 'environment.created',
      outcome: 'success',
      status: 201,
      target: environment.name,
      environmentId: environment.id,
    });
    ctx.status = 201;
    ctx.body = { success: true, environment };
  });
  return router;
}

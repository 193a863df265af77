import { deploymentSecrets } from '../deployments/deployment-secrets.js';
import { InputError, UnavailableError } from '../errors.js';
import type { RuntimeLogLine } from '../hooks/runtime.js';
import type { LogsQuery } from '../hooks/runtime-registry.js';
import type { SecretRedactor } from '../hooks/secret-redactor.js';
import type { OperationRunner } from './operation-runner.js';

/** The most lines one request may ask for. */
export const MAX_LOG_TAIL = 5000;

async function* redacted(lines: AsyncIterable<RuntimeLogLine>, secrets: SecretRedactor): AsyncIterable<RuntimeLogLine> {
  for await (const { service, stream, at, line } of lines) yield { service, stream, at, line: secrets.text(line) };
}

/**
 * `GET /api/deployments/:id/logs`: the deployment's log lines from its runtime, every line with
 * the deployment's `Password` values hidden. With `follow`, new lines come until `signal` aborts
 * (the client left), which also ends the engine's streams.
 * @throws NotFoundError for an unknown id; InputError for a service the deployment does not
 * have or a runtime that cannot relay logs; UnavailableError when its engine does not answer.
 */
export async function deploymentLogs(runner: OperationRunner, id: string, query: LogsQuery, signal: AbortSignal): Promise<AsyncIterable<RuntimeLogLine>> {
  const deployment = await runner.records.require(id);
  const names = [...new Set(deployment.services.map((s) => s.serviceName))];
  if (query.service !== null && !names.includes(query.service)) {
    throw new InputError(`Service '${query.service}' not found in deployment '${deployment.stackName}'. Services: ${names.join(', ') || 'none'}.`, { code: 'SERVICE_NOT_FOUND' });
  }
  const environment = await runner.environments.planEnvironment(deployment.environmentId);
  const ref = { deploymentId: id, stackName: deployment.stackName };
  // Asked first so that an engine that does not answer is a 503, not a stream that ends at once.
  const found = await runner.inspect(environment, ref);
  if ('error' in found) throw new UnavailableError(`The logs of '${deployment.stackName}' cannot be read: ${found.error}`, { headers: { 'Retry-After': '30' } });
  const runtime = runner.runtimes.serving(environment.type);
  if (!runtime) throw new InputError(`No runtime plugin serves environment type '${environment.type}'.`, { code: 'NO_RUNTIME' });
  const secrets = deploymentSecrets(deployment);
  const log = secrets.logger(runner.log.child({ deploymentId: id, stack: deployment.stackName, operation: 'logs' }));
  return redacted(runtime.logs(environment, { ...ref, ...query }, { signal, log }), secrets);
}

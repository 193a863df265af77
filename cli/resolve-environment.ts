import { listField } from './answer-fields.js';
import type { EnvironmentItem } from './api-contract.js';
import { CliError } from './cli-error.js';
import { ExitCode } from './exit-codes.js';
import type { HostClient } from './host-client.js';

/** Every environment of the host (`GET /api/environments`). */
export async function listEnvironments(client: HostClient): Promise<EnvironmentItem[]> {
  return listField<EnvironmentItem>(await client.call('GET', '/api/environments'), 'environments');
}

/** The name of the environment `id` among `environments`; the id itself when none has it. */
export function environmentName(environments: readonly EnvironmentItem[], id: string): string {
  return environments.find((environment) => environment.id === id)?.name ?? id;
}

/**
 * The environment `reference` names, by id or by name (case-insensitive); without a
 * reference, the host's default environment. People type names, the API wants ids.
 */
export async function resolveEnvironment(client: HostClient, reference: string | undefined): Promise<EnvironmentItem> {
  const environments = await listEnvironments(client);
  const wanted = reference?.trim().toLowerCase();
  const found =
    wanted === undefined
      ? environments.find((environment) => environment.isDefault)
      : (environments.find((environment) => environment.id.toLowerCase() === wanted) ??
        environments.find((environment) => environment.name === reference?.trim()) ??
        environments.find((environment) => environment.name.toLowerCase() === wanted));
  if (found) return found;
  const known = environments.map((environment) => environment.name).join(', ') || 'none';
  const message = reference === undefined ? 'The host has no default environment; name one with --env.' : `Unknown environment '${reference}'. Known environments: ${known}.`;
  throw new CliError(message, ExitCode.failed, { code: 'ENVIRONMENT_NOT_FOUND' });
}

import { isUuid } from '../../core/json-body.js';
import { listField, objectField } from '../answer-fields.js';
import type { ApiKeyItem, CreatedApiKey, EnvironmentItem } from '../api-contract.js';
import { CliError } from '../cli-error.js';
import { commonOptions, type CommandGroup } from '../command.js';
import { ExitCode } from '../exit-codes.js';
import { formatTime } from '../format-time.js';
import { hostOptions, managementClient } from '../host-connection.js';
import { renderDetails } from '../render-details.js';
import { renderTable } from '../render-table.js';
import { listEnvironments, resolveEnvironment } from '../resolve-environment.js';

/** Short names people type for the hook permissions. */
const PERMISSION_ALIASES: Readonly<Record<string, string>> = {
  redeploy: 'Hooks.Redeploy',
  upgrade: 'Hooks.Upgrade',
  sync: 'Hooks.SyncSources',
  'sync-sources': 'Hooks.SyncSources',
};

/** `--permission` values: aliases expanded, comma lists split; anything else goes to the host as given. */
function permissionsOf(values: readonly string[]): string[] {
  return values
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter((value) => value !== '')
    .map((value) => PERMISSION_ALIASES[value.toLowerCase()] ?? value);
}


function statusOf(key: ApiKeyItem, now: number): string {
  if (key.isRevoked) return 'revoked';
  if (key.expiresAt !== null && Date.parse(key.expiresAt) <= now) return 'expired';
  return 'active';
}

const environmentName = (environments: readonly EnvironmentItem[], id: string | null) =>
  id === null ? 'all' : (environments.find((environment) => environment.id === id)?.name ?? id);

/** `rsgo keys create|list|revoke`: the API keys pipelines call the webhooks with. */
export const keysCommands: CommandGroup = {
  name: 'keys',
  summary: 'manage the API keys of pipelines',
  commands: [
    {
      name: 'create',
      summary: 'create an API key and print it (shown only this once)',
      args: ['<name>'],
      description:
        'Creates an API key for a pipeline. Permissions are Hooks.Redeploy, Hooks.Upgrade and Hooks.SyncSources ' +
        '(or redeploy, upgrade, sync). A key restricted to an environment needs no environmentId in its calls. ' +
        'The full key is printed once: store it as a pipeline secret (RSGO_API_KEY).',
      options: {
        permission: { type: 'string', multiple: true, valueName: 'name', description: 'a permission the key holds (or a comma-separated list)' },
        env: { type: 'string', valueName: 'name|id', description: 'restrict the key to this environment' },
        expires: { type: 'string', valueName: 'date', description: 'expiry, an ISO-8601 date (2027-12-31) or date and time with zone' },
        ...hostOptions,
        ...commonOptions,
      },
      examples: [
        'rsgo keys create "Azure DevOps Deploy" --permission redeploy --permission upgrade --env staging',
        'RSGO_API_KEY=$(rsgo keys create nightly --permission sync --json | jq -r .apiKey.fullKey)',
      ],
      async run(input) {
        const name = input.argument(0, 'the key name');
        const client = managementClient(input);
        const envReference = input.string('env');
        const environment = envReference === undefined ? null : await resolveEnvironment(client, envReference);
        const body = await client.call('POST', '/api/api-keys', {
          name,
          permissions: permissionsOf(input.strings('permission')),
          ...(environment ? { environmentId: environment.id } : {}),
          ...(input.string('expires') === undefined ? {} : { expiresAt: input.string('expires') }),
        });
        if (input.json) return input.printJson(body);
        const key = objectField<CreatedApiKey>(body, 'apiKey');
        input.out(`Created API key '${key.name}' (${key.id}).`);
        input.out(
          renderDetails([
            ['Permissions', key.permissions.join(', ')],
            ['Environment', environment ? `${environment.name} (${environment.id})` : 'all'],
            ['Expires', key.expiresAt === null ? 'never' : formatTime(key.expiresAt)],
          ]),
        );
        input.out();
        input.out(key.fullKey);
        input.out();
        input.out('Store it as a secret now (e.g. RSGO_API_KEY): it is shown only this once.');
      },
    },
    {
      name: 'list',
      summary: 'list the API keys, revoked and expired ones included',
      options: { ...hostOptions, ...commonOptions },
      examples: ['rsgo keys list', "rsgo keys list --json | jq '.apiKeys[] | select(.isRevoked | not) | .name'"],
      async run(input) {
        const client = managementClient(input);
        const body = await client.call('GET', '/api/api-keys');
        if (input.json) return input.printJson(body);
        const keys = listField<ApiKeyItem>(body, 'apiKeys');
        if (keys.length === 0) return input.out("No API keys. Create one with 'rsgo keys create'.");
        const environments = await listEnvironments(client);
        const now = Date.now();
        input.out(
          renderTable(keys, [
            { header: 'id', value: (key) => key.id },
            { header: 'name', value: (key) => key.name },
            { header: 'prefix', value: (key) => key.keyPrefix },
            { header: 'permissions', value: (key) => key.permissions.join(',') },
            { header: 'environment', value: (key) => environmentName(environments, key.environmentId) },
            { header: 'expires', value: (key) => (key.expiresAt === null ? 'never' : formatTime(key.expiresAt)) },
            { header: 'last used', value: (key) => formatTime(key.lastUsedAt) },
            { header: 'status', value: (key) => statusOf(key, now) },
          ]),
        );
      },
    },
    {
      name: 'revoke',
      summary: 'revoke an API key; it is refused from the very next request',
      args: ['<id|name>'],
      description: 'Revokes a key by its id, or by the name of an active key. The key stays in the list, marked revoked.',
      options: { ...hostOptions, ...commonOptions },
      examples: ['rsgo keys revoke "Azure DevOps Deploy"', 'rsgo keys revoke 0b6f3f1e-8f57-4a8e-b4c4-5f9a3f0f2d71'],
      async run(input) {
        const reference = input.argument(0, 'the id or name of the key');
        const client = managementClient(input);
        let id = reference;
        if (!isUuid(reference)) {
          const keys = listField<ApiKeyItem>(await client.call('GET', '/api/api-keys'), 'apiKeys');
          const match = keys.find((key) => !key.isRevoked && key.name === reference);
          if (!match) throw new CliError(`No active API key named '${reference}'.`, ExitCode.failed, { code: 'NOT_FOUND' });
          id = match.id;
        }
        const body = await client.call('DELETE', `/api/api-keys/${encodeURIComponent(id)}`);
        if (input.json) return input.printJson(body);
        input.out(typeof body['message'] === 'string' ? body['message'] : `API key ${id} revoked.`);
      },
    },
  ],
};

import { objectField } from '../answer-fields.js';
import type { EnvironmentItem } from '../api-contract.js';
import { commonOptions, type CommandGroup } from '../command.js';
import { hostOptions, managementClient } from '../host-connection.js';
import { renderTable } from '../render-table.js';
import { listEnvironments, resolveEnvironment } from '../resolve-environment.js';

/** The engine column: the Docker runtime's `dockerHost`, empty for environments of other runtimes. */
const dockerHostCell = (environment: EnvironmentItem): string =>
  environment['dockerHost'] === undefined ? '' : String(environment['dockerHost'] ?? 'local socket');

/** `rsgo env list|create|remove`: the environments stacks are deployed to. */
export const envCommands: CommandGroup = {
  name: 'env',
  summary: 'list, create and remove environments (where stacks run)',
  commands: [
    {
      name: 'list',
      summary: 'list the environments; the default one is marked',
      options: { ...hostOptions, ...commonOptions },
      examples: ['rsgo env list', "rsgo env list --json | jq -r '.environments[] | select(.name == \"staging\") | .id'"],
      async run(input) {
        const client = managementClient(input);
        const environments = await listEnvironments(client);
        if (input.json) return input.printJson({ environments });
        input.out(
          renderTable(environments, [
            { header: 'id', value: (environment) => environment.id },
            { header: 'name', value: (environment) => environment.name },
            { header: 'type', value: (environment) => environment.type },
            { header: 'docker host', value: dockerHostCell },
            { header: 'default', value: (environment) => (environment.isDefault ? 'yes' : '') },
          ]),
        );
      },
    },
    {
      name: 'create',
      summary: 'create an environment',
      args: ['<name>'],
      description: 'Creates an environment served by a Docker engine: the local socket, or the engine at --docker-host.',
      options: {
        'docker-host': { type: 'string', valueName: 'address', description: 'the engine: unix://, tcp://, npipe:// or ssh:// address (default: the local socket)' },
        type: { type: 'string', valueName: 'runtime', description: 'the runtime type (default: docker)' },
        ...hostOptions,
        ...commonOptions,
      },
      examples: ['rsgo env create staging --docker-host tcp://10.0.0.5:2376'],
      async run(input) {
        const name = input.argument(0, 'the environment name');
        const dockerHost = input.string('docker-host');
        const body = await managementClient(input).call('POST', '/api/environments', {
          name,
          type: input.string('type') ?? 'docker',
          ...(dockerHost === undefined ? {} : { dockerHost }),
        });
        if (input.json) return input.printJson(body);
        const environment = objectField<EnvironmentItem>(body, 'environment');
        input.out(`Created environment '${environment.name}' (${environment.id}).`);
      },
    },
    {
      name: 'remove',
      summary: 'delete an environment that holds no deployments',
      args: ['<name|id>'],
      description:
        'Deletes an environment by name or id. The host refuses the default environment, an environment with ' +
        'deployments that are not removed, and one with API keys scoped to it that are not revoked.',
      options: { ...hostOptions, ...commonOptions },
      examples: ['rsgo env remove staging'],
      async run(input) {
        const reference = input.argument(0, 'the environment name or id');
        const client = managementClient(input);
        const environment = await resolveEnvironment(client, reference);
        const body = await client.call('DELETE', `/api/environments/${encodeURIComponent(environment.id)}`);
        if (input.json) return input.printJson(body);
        input.out(typeof body['message'] === 'string' ? body['message'] : `Environment '${environment.name}' deleted.`);
      },
    },
  ],
};

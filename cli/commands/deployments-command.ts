import { isUuid } from '../../core/json-body.js';
import { listField, objectField } from '../answer-fields.js';
import type { DeploymentRecord, EnvironmentItem } from '../api-contract.js';
import { CliError } from '../cli-error.js';
import { commonOptions, type CommandGroup } from '../command.js';
import { deploymentHistoryTable, deploymentServicesTable } from '../deployment-views.js';
import { ExitCode } from '../exit-codes.js';
import { formatTime } from '../format-time.js';
import type { HostClient } from '../host-client.js';
import { hostOptions, managementClient } from '../host-connection.js';
import { renderDetails } from '../render-details.js';
import { renderTable } from '../render-table.js';
import { environmentName, listEnvironments, resolveEnvironment } from '../resolve-environment.js';


const envOption = { env: { type: 'string', valueName: 'name|id', description: 'only this environment' } } as const;

/** `GET /api/deployments`, of one environment when `environment` is given. */
async function listDeployments(client: HostClient, environment: EnvironmentItem | null): Promise<DeploymentRecord[]> {
  const query = environment === null ? '' : `?environmentId=${encodeURIComponent(environment.id)}`;
  return listField<DeploymentRecord>(await client.call('GET', `/api/deployments${query}`), 'deployments');
}

/** The id of the deployment `reference` names: an id as it is, a stack name looked up (in `environment` if given). */
async function deploymentIdOf(client: HostClient, reference: string, environment: EnvironmentItem | null): Promise<string> {
  if (isUuid(reference)) return reference;
  const matches = (await listDeployments(client, environment)).filter((deployment) => deployment.stackName === reference && deployment.status !== 'Removed');
  const [first, second] = matches;
  if (!first) throw new CliError(`No deployment named '${reference}'${environment ? ` in ${environment.name}` : ''}.`, ExitCode.failed, { code: 'NOT_FOUND' });
  if (second) throw new CliError(`'${reference}' is deployed in several environments; choose one with --env.`, ExitCode.usage, { code: 'AMBIGUOUS' });
  return first.id;
}

/** `rsgo deployments list|show`: what runs where. */
export const deploymentsCommands: CommandGroup = {
  name: 'deployments',
  summary: 'list deployments and show one with its services and history',
  commands: [
    {
      name: 'list',
      summary: 'list the deployments, of every environment or of one',
      options: { ...envOption, ...hostOptions, ...commonOptions },
      examples: ['rsgo deployments list --env staging', "rsgo deployments list --json | jq -r '.deployments[] | select(.status != \"Running\") | .stackName'"],
      async run(input) {
        const client = managementClient(input);
        const reference = input.string('env');
        const environments = await listEnvironments(client);
        const environment = reference === undefined ? null : await resolveEnvironment(client, reference);
        const deployments = await listDeployments(client, environment);
        if (input.json) return input.printJson({ deployments });
        if (deployments.length === 0) return input.out("No deployments. Deploy a product with 'rsgo deploy'.");
        input.out(
          renderTable(deployments, [
            { header: 'id', value: (deployment) => deployment.id },
            { header: 'name', value: (deployment) => deployment.stackName },
            { header: 'product', value: (deployment) => deployment.productId },
            { header: 'version', value: (deployment) => deployment.stackVersion },
            { header: 'status', value: (deployment) => deployment.status },
            { header: 'environment', value: (deployment) => environmentName(environments, deployment.environmentId) },
            { header: 'updated', value: (deployment) => formatTime(deployment.updatedAt) },
          ]),
        );
      },
    },
    {
      name: 'show',
      summary: 'show a deployment: status, variables, services and history',
      args: ['<id|name>'],
      description: 'Shows one deployment, by id or by name. Password variables come masked from the host.',
      options: { ...envOption, ...hostOptions, ...commonOptions },
      examples: ['rsgo deployments show shop --env staging', 'rsgo deployments show d4f8b2c1-6a0e-4f7e-9a55-0c1f2b3d4e5f --json'],
      async run(input) {
        const reference = input.argument(0, 'the id or name of the deployment');
        const client = managementClient(input);
        const envReference = input.string('env');
        const environment = envReference === undefined ? null : await resolveEnvironment(client, envReference);
        const id = await deploymentIdOf(client, reference, environment);
        const body = await client.call('GET', `/api/deployments/${encodeURIComponent(id)}`);
        if (input.json) return input.printJson(body);
        const deployment = objectField<DeploymentRecord>(body, 'deployment');
        const variables = Object.entries(deployment.variables ?? {});
        // Without --env the record gives only the environment's id; people read names.
        const environmentShown = environment?.name ?? environmentName(await listEnvironments(client), deployment.environmentId);
        input.out(
          renderDetails([
            ['Name', deployment.stackName],
            ['Id', deployment.id],
            ['Product', deployment.productId],
            ['Version', deployment.stackVersion],
            ['Status', deployment.status],
            ['Error', deployment.errorMessage ?? null],
            ['Environment', environmentShown],
            ['Variables', variables.length === 0 ? null : variables.map(([name, value]) => `${name}=${value}`).join(', ')],
          ]),
        );
        if (deployment.services && deployment.services.length > 0) input.out(`\nServices:\n${deploymentServicesTable(deployment.services)}`);
        if (deployment.history && deployment.history.length > 0) input.out(`\nHistory:\n${deploymentHistoryTable(deployment.history)}`);
      },
    },
  ],
};

import { isUuid } from '../../core/json-body.js';
import { listField, objectField } from '../answer-fields.js';
import type { DeploymentRecord, EnvironmentItem } from '../api-contract.js';
import { CliError, UsageError } from '../cli-error.js';
import { commonOptions, type Command, type CommandGroup } from '../command.js';
import type { CommandInput } from '../command-input.js';
import { deploymentHistoryTable, deploymentServicesTable } from '../deployment-views.js';
import { ExitCode } from '../exit-codes.js';
import { formatTime } from '../format-time.js';
import type { HostClient } from '../host-client.js';
import { hostOptions, managementClient, OPERATION_TIMEOUT_S } from '../host-connection.js';
import { eventReader } from '../../core/http/read-event-stream.js';
import { formatLogLine, type LogLine } from '../log-events.js';
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

/** The id of the deployment the first argument names, with `--env` to choose among environments. */
async function referencedDeployment(input: CommandInput, client: HostClient): Promise<string> {
  const reference = input.argument(0, 'the id or name of the deployment');
  const envReference = input.string('env');
  return deploymentIdOf(client, reference, envReference === undefined ? null : await resolveEnvironment(client, envReference));
}

/** `rsgo deployments stop|start|restart <id|name>`. */
function containerCommand(action: 'stop' | 'start' | 'restart', done: string, summary: string, description: string): Command {
  return {
    name: action,
    summary,
    args: ['<id|name>'],
    description,
    options: { ...envOption, ...hostOptions, ...commonOptions },
    examples: [`rsgo deployments ${action} shop --env staging`],
    async run(input) {
      // Stopping and starting wait for the containers (and their health checks), like a deploy.
      const client = managementClient(input, OPERATION_TIMEOUT_S);
      const id = await referencedDeployment(input, client);
      const body = await client.call('POST', `/api/deployments/${encodeURIComponent(id)}/${action}`);
      if (input.json) return input.printJson(body);
      const deployment = objectField<DeploymentRecord>(body, 'deployment');
      input.out(`${done} '${deployment.stackName}': ${deployment.status}.`);
    },
  };
}

/** `rsgo deployments list|show|logs|stop|start|restart`: what runs where, and acting on it. */
export const deploymentsCommands: CommandGroup = {
  name: 'deployments',
  summary: 'list deployments, show one with its services and history, read its logs, stop, start or restart it',
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
    {
      name: 'logs',
      summary: "print a deployment's container logs, or follow them",
      args: ['<id|name>'],
      description:
        "Prints the latest log lines of the deployment's containers (stdout and stderr, oldest first), Password values hidden by the host. --follow keeps printing new lines until interrupted.",
      options: {
        service: { type: 'string', valueName: 'name', description: "only this service's containers" },
        tail: { type: 'string', valueName: 'n', description: 'how many of the latest lines (default 200, at most 5000)' },
        follow: { type: 'boolean', short: 'f', description: 'keep printing new lines as they are written' },
        ...envOption,
        ...hostOptions,
        ...commonOptions,
      },
      examples: ['rsgo deployments logs shop --service web --tail 50', 'rsgo deployments logs shop --follow'],
      async run(input) {
        const client = managementClient(input);
        const id = await referencedDeployment(input, client);
        const tail = input.integer('tail', 200, 0);
        if (tail > 5000) throw new UsageError(`Invalid --tail '${tail}': expected at most 5000.`);
        const service = input.string('service');
        const query = `?tail=${tail}${service === undefined ? '' : `&service=${encodeURIComponent(service)}`}`;
        const path = `/api/deployments/${encodeURIComponent(id)}/logs${query}`;
        if (input.flag('follow')) {
          let failure: string | null = null;
          const reader = eventReader((event, data) => {
            // --json: one JSON line per log line, as it comes.
            if (event === 'log') input.out(input.json ? JSON.stringify(data) : formatLogLine(data as LogLine));
            // A failure after the start ends the stream with the answer the request would have had.
            else if (event === 'done') failure = (data as { result?: { message?: string } }).result?.message ?? 'Reading the logs failed.';
          });
          await client.stream(`${path}&follow=true`, (text) => reader.push(text));
          if (failure !== null) throw new CliError(failure, ExitCode.failed, { code: 'LOGS_FAILED' });
          return;
        }
        const lines = listField<LogLine>(await client.call('GET', path), 'lines');
        if (input.json) return input.printJson({ lines });
        for (const line of lines) input.out(formatLogLine(line));
      },
    },
    containerCommand(
      'stop',
      'Stopped',
      "stop a deployment's containers (kept, with their logs)",
      'Stops the containers of a running or failed deployment and keeps them; its status becomes Stopped until it is started. A stopped deployment cannot be redeployed or upgraded.',
    ),
    containerCommand('start', 'Started', "start a stopped deployment's containers", 'Starts the containers of a stopped deployment again and waits until they run (and are healthy).'),
    containerCommand('restart', 'Restarted', "restart a running deployment's containers", 'Restarts the containers of a running deployment in place (no pull, no new containers) and waits until they run again.'),
  ],
};

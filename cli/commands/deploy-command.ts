import { randomUUID } from 'node:crypto';
import { listField, objectField } from '../answer-fields.js';
import type { DeploymentRecord } from '../api-contract.js';
import { errorMessage } from '../../core/errors.js';
import { commonOptions, type Command } from '../command.js';
import { deploymentServicesTable } from '../deployment-views.js';
import { followProgress } from '../follow-progress.js';
import { formatDuration } from '../format-duration.js';
import { HostAnswerError, type HostAnswer } from '../host-client.js';
import { hostOptions, managementClient, OPERATION_TIMEOUT_S, QUICK_CALL_TIMEOUT_S } from '../host-connection.js';
import { startProgress } from '../progress-indicator.js';
import { resolveEnvironment } from '../resolve-environment.js';
import { intentFields, intentOptions } from '../intent-options.js';
import { parseVariables } from '../variable-options.js';

/** `rsgo deploy`: the first deployment of a product's stack (POST /api/deployments). */
export const deployCommand: Command = {
  name: 'deploy',
  summary: 'deploy a stack of a catalog product for the first time',
  args: ['<productId>'],
  description:
    "Deploys one stack of a catalog product (its groupId, see 'rsgo catalog list') under the deployment name --name, and waits " +
    'until its containers run. Variables are checked against the manifest; every problem is listed. A failed first deployment ' +
    'keeps its record (status Failed); deploying the same name again retries it. Redeploys and upgrades go through the hooks.',
  options: {
    name: { type: 'string', valueName: 'stack-name', description: 'the deployment name (prefix of its containers); required' },
    env: { type: 'string', valueName: 'name|id', description: 'the environment (default: the default environment)' },
    version: { type: 'string', valueName: 'version', description: "the product version (default: the catalog's latest)" },
    stack: { type: 'string', valueName: 'name', description: "the product's stack to deploy, when it has several" },
    var: { type: 'string', multiple: true, valueName: 'NAME=VALUE', description: 'a variable value (repeatable)' },
    ...intentOptions,
    ...hostOptions,
    timeout: { type: 'string', valueName: 'seconds', description: `give up when the host has not answered for this long (default: ${OPERATION_TIMEOUT_S})` },
    ...commonOptions,
  },
  examples: [
    'rsgo deploy com.acme.shop --name shop --env staging --var DB_PASSWORD=secret --reason "First release"',
    'rsgo deploy com.acme.platform --name platform-api --stack API --version 2.1.0',
  ],
  async run(input) {
    const productId = input.argument(0, 'the product id (its groupId)');
    const stackName = input.required('name');
    const client = managementClient(input, OPERATION_TIMEOUT_S);
    const environment = await resolveEnvironment(client, input.string('env'));
    const variables = parseVariables(input.strings('var'));
    const version = input.string('version');
    const stackDefinitionName = input.string('stack');
    const body = {
      environmentId: environment.id,
      stackName,
      productId,
      ...(version === undefined ? {} : { version }),
      ...(stackDefinitionName === undefined ? {} : { stackDefinitionName }),
      ...(Object.keys(variables).length === 0 ? {} : { variables }),
      ...intentFields(input, false),
    };
    // The host answers when the containers run (or failed); meanwhile its steps are polled
    // under a request id of our own, so that only this deploy's steps are shown.
    const progress = startProgress(input.io.stderr, `Deploying '${stackName}' (${productId}) to ${environment.name}`);
    const requestId = randomUUID();
    const pollClient = managementClient(input, QUICK_CALL_TIMEOUT_S);
    const steps = followProgress(pollClient, {
      requestId,
      stackName,
      write: (line) => progress.line(line),
      locate: async () => {
        const list = await pollClient.call('GET', `/api/deployments?environmentId=${encodeURIComponent(environment.id)}`);
        const found = listField<DeploymentRecord>(list, 'deployments').find((d) => d.stackName === stackName.trim() && d.status !== 'Removed');
        return found?.id ?? null;
      },
    });
    let answer: HostAnswer | undefined;
    try {
      answer = await client.send('POST', '/api/deployments', body, { 'x-request-id': requestId });
    } finally {
      const answeredId = answer?.body['deploymentId'];
      await steps.finish(typeof answeredId === 'string' ? answeredId : null);
      input.note(`took ${formatDuration(progress.stop())}`);
    }
    if (answer.status < 200 || answer.status >= 300) {
      if (typeof answer.body['deploymentId'] === 'string') {
        input.note(`The failed deployment is kept: rsgo deployments show ${answer.body['deploymentId']}`);
      }
      throw new HostAnswerError(answer);
    }
    if (input.json) return input.printJson(answer.body);
    const deploymentId = String(answer.body['deploymentId']);
    input.out(`Deployed '${stackName}' ${String(answer.body['stackVersion'] ?? '')} to ${environment.name}: ${String(answer.body['status'] ?? 'Running')} (${deploymentId}).`);
    try {
      const deployment = objectField<DeploymentRecord>(await client.call('GET', `/api/deployments/${encodeURIComponent(deploymentId)}`), 'deployment');
      if (deployment.services && deployment.services.length > 0) input.out(`\n${deploymentServicesTable(deployment.services)}`);
    } catch (err) {
      // The deployment is done; not being able to show its containers does not undo that.
      input.note(`(could not read its services: ${errorMessage(err)})`);
    }
  },
};

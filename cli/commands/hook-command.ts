import { CliError, UsageError } from '../cli-error.js';
import { commonOptions, type Command, type CommandGroup, type OptionSpecs } from '../command.js';
import type { CommandInput } from '../command-input.js';
import { ExitCode } from '../exit-codes.js';
import { formatDuration } from '../format-duration.js';
import { HostAnswerError, HostClient, type HostAnswer } from '../host-client.js';
import { OPERATION_TIMEOUT_S } from '../host-connection.js';
import { followOperation } from '../follow-operation.js';
import { defaultIdempotencyKey } from '../idempotency-key.js';
import { startProgress } from '../progress-indicator.js';
import { reportSyncAnswer } from '../report-sync-answer.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../retry-policy.js';
import { sendWithRetry, type RetriedAnswer } from '../send-with-retry.js';
import { intentFields, intentOptions } from '../intent-options.js';
import { parseVariables } from '../variable-options.js';

/** The options of every pipeline call: where, how long, how often. */
const pipelineOptions = {
  url: { type: 'string', valueName: 'url', description: "the host's address (default: RSGO_URL)" },
  attempts: {
    type: 'string',
    valueName: 'n',
    description: `attempts in all, retries included (default: RSGO_RETRY_ATTEMPTS, else ${DEFAULT_RETRY_POLICY.attempts})`,
  },
  'retry-delay': {
    type: 'string',
    valueName: 'ms',
    description: `delay before the first retry, doubled each time, with jitter (default: RSGO_RETRY_DELAY_MS, else ${DEFAULT_RETRY_POLICY.baseDelayMs})`,
  },
  timeout: { type: 'string', valueName: 'seconds', description: `give up an attempt when the host has not answered for this long (default: ${OPERATION_TIMEOUT_S})` },
  follow: { type: 'boolean', description: "don't hold the request open: the host answers at once and each step is printed as it happens, then the final answer" },
  'idempotency-key': {
    type: 'string',
    valueName: 'key',
    description: "the call's Idempotency-Key (default: derived from the CI run, GITHUB_RUN_ID, CI_JOB_ID or BUILD_BUILDID, else random per invocation)",
  },
  ...commonOptions,
} as const satisfies OptionSpecs;

const targetOptions = {
  env: { type: 'string', valueName: 'uuid', description: "the environment's id; not needed with an environment-scoped key" },
  var: { type: 'string', multiple: true, valueName: 'NAME=VALUE', description: 'a variable override (repeatable)' },
  ...intentOptions,
} as const satisfies OptionSpecs;

const HOOK_DESCRIPTION_TAIL =
  ' Reads RSGO_URL and RSGO_API_KEY. In GitHub Actions, GitLab CI and Azure Pipelines, --commit and --pipeline-url default to' +
  " the job's commit and run address." +
  ' Network failures and 502/503 answers are retried with backoff (honouring Retry-After),' +
  ' with the same Idempotency-Key, so a retry never runs the call twice; any other failure ends the call at once with a non-zero exit code.';

/**
 * A request body with `environmentId`, `variables` and the intent only when given (the commit
 * and pipeline URL from the CI system's variables unless given).
 */
function targetFields(input: CommandInput): Record<string, unknown> {
  const environmentId = input.string('env');
  const variables = parseVariables(input.strings('var'));
  return {
    ...(environmentId === undefined ? {} : { environmentId }),
    ...(Object.keys(variables).length === 0 ? {} : { variables }),
    ...intentFields(input, true),
  };
}

/**
 * Posts to a webhook with the pipeline's key and an Idempotency-Key, retrying what is safe to
 * retry (a retry with the same key never runs the call twice). With `--follow` the host answers
 * at once (202) and the operation's steps are printed from its event stream as they happen;
 * the answer is then the one the operation ended with. `subject` names the steps that concern
 * no single service.
 */
async function callHook(input: CommandInput, path: string, body: object | undefined, label: string, subject: string): Promise<RetriedAnswer> {
  const url = input.string('url') ?? input.env['RSGO_URL'];
  if (url === undefined || url.trim() === '') throw new UsageError('RSGO_URL is not set: set it (or pass --url) to the address of the rsgo host.');
  const apiKey = input.env['RSGO_API_KEY']?.trim();
  if (!apiKey) throw new CliError('RSGO_API_KEY is not set: set it to an API key with the permission this hook needs.', ExitCode.auth, { code: 'AUTH_REQUIRED' });
  // The key only ever travels in the header, and is read from the environment, never the command line.
  const client = new HostClient({ url: url.trim(), headers: { 'x-api-key': apiKey }, timeoutMs: input.durationMs('timeout', OPERATION_TIMEOUT_S) });
  const policy: RetryPolicy = {
    ...DEFAULT_RETRY_POLICY,
    attempts: input.integer('attempts', DEFAULT_RETRY_POLICY.attempts, 1, 'RSGO_RETRY_ATTEMPTS'),
    baseDelayMs: input.integer('retry-delay', DEFAULT_RETRY_POLICY.baseDelayMs, 0, 'RSGO_RETRY_DELAY_MS'),
  };
  const follow = input.flag('follow');
  const headers = {
    'idempotency-key': input.string('idempotency-key') ?? defaultIdempotencyKey(input.env, path, body),
    ...(follow ? { prefer: 'respond-async' } : {}),
  };
  const progress = startProgress(input.io.stderr, label);
  try {
    const sent = await sendWithRetry(() => client.send('POST', path, body, headers), {
      policy,
      onRetry: ({ attempt, attempts, delayMs, reason }) =>
        progress.line(`rsgo: attempt ${attempt} of ${attempts} failed (${reason}); retrying in ${formatDuration(delayMs)}`),
    });
    if (!follow || sent.answer.status !== 202) return sent;
    const answer = await followOperation(client, {
      eventsPath: String(sent.answer.body['eventsUrl']),
      headers: { 'x-api-key': apiKey },
      policy,
      onStep: (step) => progress.line(`  ${step.service ?? subject}: ${step.message}`),
      onOutput: (output) => progress.line(`  ${output.service} | ${output.line}`),
      onReconnect: (reason, delayMs) => progress.line(`rsgo: lost the event stream (${reason}); reconnecting in ${formatDuration(delayMs)}`),
    });
    return { ...sent, answer };
  } finally {
    progress.stop();
  }
}

/** Prints the host's message of a successful call, or throws its error. */
function report(input: CommandInput, answer: HostAnswer): void {
  if (answer.status < 200 || answer.status >= 300) throw new HostAnswerError(answer);
  if (input.json) return input.printJson(answer.body);
  input.out(typeof answer.body['message'] === 'string' ? answer.body['message'] : 'Done.');
}

const redeploy: Command = {
  name: 'redeploy',
  summary: 'redeploy a stack or product with fresh images (POST /api/hooks/redeploy)',
  description: 'Pulls fresh images and recreates the containers with the stored variables.' + HOOK_DESCRIPTION_TAIL,
  options: {
    stack: { type: 'string', valueName: 'name', description: 'the deployed stack to redeploy' },
    product: { type: 'string', valueName: 'id', description: "a product's groupId: redeploy its deployment (all stacks)" },
    'stack-definition': { type: 'string', valueName: 'name', description: 'with --product: only this stack of the product' },
    ...targetOptions,
    ...pipelineOptions,
  },
  examples: ['rsgo hook redeploy --stack ams-project --follow', 'rsgo hook redeploy --product ams.project --stack-definition Analytics --var BUILD_NUM=42'],
  async run(input) {
    const stackName = input.string('stack');
    const productId = input.string('product');
    const stackDefinitionName = input.string('stack-definition');
    if (stackName === undefined && productId === undefined) throw new UsageError('Missing --stack or --product.');
    if (stackDefinitionName !== undefined && productId === undefined) throw new UsageError('--stack-definition needs --product.');
    const body = {
      ...(productId === undefined ? { stackName } : { productId, ...(stackDefinitionName === undefined ? {} : { stackDefinitionName }) }),
      ...targetFields(input),
    };
    const subject = productId ?? stackName ?? '';
    const { answer } = await callHook(input, '/api/hooks/redeploy', body, `Redeploying ${productId === undefined ? `'${stackName}'` : `product '${productId}'`}`, subject);
    report(input, answer);
  },
};

const upgrade: Command = {
  name: 'upgrade',
  summary: 'upgrade a stack to a catalog version (POST /api/hooks/upgrade)',
  description:
    'Upgrades the stack to --version from the catalog; if the new version fails to start, the host rolls back.' +
    HOOK_DESCRIPTION_TAIL +
    ' When a retry finds the stack already on the target version after an earlier attempt lost its answer, the upgrade counts as done.',
  options: {
    stack: { type: 'string', valueName: 'name', description: 'the deployed stack to upgrade' },
    version: { type: 'string', valueName: 'version', description: 'the target version from the catalog' },
    ...targetOptions,
    ...pipelineOptions,
  },
  examples: ['rsgo hook upgrade --stack ams-project --version 6.5.0 --follow'],
  async run(input) {
    const stackName = input.required('stack');
    const targetVersion = input.required('version');
    const { answer, afterUncertainFailure } = await callHook(
      input,
      '/api/hooks/upgrade',
      { stackName, targetVersion, ...targetFields(input) },
      `Upgrading '${stackName}' to ${targetVersion}`,
      stackName,
    );
    // An attempt whose answer was lost may have done the upgrade; the retry then finds it done.
    if (afterUncertainFailure && answer.status === 400 && answer.body['message'] === `Already running version ${targetVersion}.`) {
      const message = `'${stackName}' runs ${targetVersion}: the upgrade was carried out by an earlier attempt whose answer was lost.`;
      if (input.json) return input.printJson({ success: true, message, stackName, newVersion: targetVersion });
      return input.out(message);
    }
    report(input, answer);
  },
};

const sync: Command = {
  name: 'sync',
  summary: 'synchronise the catalog sources (POST /api/hooks/sync-sources)',
  description: 'Reloads every catalog source, e.g. after a push with changed manifests.' + HOOK_DESCRIPTION_TAIL,
  options: pipelineOptions,
  examples: ['rsgo hook sync'],
  async run(input) {
    const { answer } = await callHook(input, '/api/hooks/sync-sources', undefined, 'Synchronising the catalog', 'catalog');
    reportSyncAnswer(input, answer);
  },
};

/** `rsgo hook redeploy|upgrade|sync`: the pipeline client of the webhooks. */
export const hookCommands: CommandGroup = {
  name: 'hook',
  summary: 'call a webhook from a pipeline (RSGO_URL, RSGO_API_KEY), with safe retries',
  commands: [redeploy, upgrade, sync],
};

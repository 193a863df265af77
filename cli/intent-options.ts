import type { OptionSpecs } from './command.js';
import type { CommandInput } from './command-input.js';

/** Why a deploy runs, as the host records it in history and audit. */
export const intentOptions = {
  reason: { type: 'string', valueName: 'text', description: 'why this deploy runs (at most 500 characters; kept in history and audit)' },
  commit: { type: 'string', valueName: 'sha', description: 'the commit being deployed (at most 100 characters)' },
  'pipeline-url': { type: 'string', valueName: 'url', description: 'the http(s) address of the pipeline run' },
} as const satisfies OptionSpecs;

/** What the host's intent fields take. */
export interface IntentFields {
  reason?: string;
  commit?: string;
  pipelineUrl?: string;
}

/** A variable's value, blank counting as unset. */
const variable = (env: NodeJS.ProcessEnv, name: string): string | undefined => {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
};

const joined = (base: string, path: string) => `${base.replace(/\/+$/, '')}/${path}`;

/**
 * The commit and the pipeline run's address, from the variables GitHub Actions, GitLab CI and
 * Azure Pipelines set in every job; nothing outside a CI system.
 */
export function ciIntent(env: NodeJS.ProcessEnv): IntentFields {
  const v = (name: string) => variable(env, name);
  const github = { commit: v('GITHUB_SHA'), server: v('GITHUB_SERVER_URL'), repository: v('GITHUB_REPOSITORY'), run: v('GITHUB_RUN_ID') };
  if (github.commit !== undefined || github.run !== undefined) {
    const url = github.server && github.repository && github.run && joined(github.server, `${github.repository}/actions/runs/${github.run}`);
    return { ...(github.commit && { commit: github.commit }), ...(url && { pipelineUrl: url }) };
  }
  const gitlab = { commit: v('CI_COMMIT_SHA'), url: v('CI_PIPELINE_URL') };
  if (gitlab.commit !== undefined || gitlab.url !== undefined) return { ...(gitlab.commit && { commit: gitlab.commit }), ...(gitlab.url && { pipelineUrl: gitlab.url }) };
  const azure = { commit: v('BUILD_SOURCEVERSION'), collection: v('SYSTEM_COLLECTIONURI'), project: v('SYSTEM_TEAMPROJECT'), build: v('BUILD_BUILDID') };
  if (azure.commit !== undefined || azure.build !== undefined) {
    const url =
      azure.collection && azure.project && azure.build && joined(azure.collection, `${encodeURIComponent(azure.project)}/_build/results?buildId=${encodeURIComponent(azure.build)}`);
    return { ...(azure.commit && { commit: azure.commit }), ...(url && { pipelineUrl: url }) };
  }
  return {};
}

/**
 * The intent fields of a request body: the options given, each falling back (with `fromCi`, as
 * `rsgo hook` does) to what the CI system's variables say. Only fields with a value are sent.
 */
export function intentFields(input: CommandInput, fromCi: boolean): IntentFields {
  const ci = fromCi ? ciIntent(input.env) : {};
  const reason = input.string('reason');
  const commit = input.string('commit') ?? ci.commit;
  const pipelineUrl = input.string('pipeline-url') ?? ci.pipelineUrl;
  return { ...(reason !== undefined && { reason }), ...(commit !== undefined && { commit }), ...(pipelineUrl !== undefined && { pipelineUrl }) };
}

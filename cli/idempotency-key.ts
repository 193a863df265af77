import { createHash, randomUUID } from 'node:crypto';

/**
 * The pipeline run a hook call belongs to, where the CI system names it: a retry of the call
 * in the same run (a re-run step, a restarted agent) then sends the same key and the host
 * replays the first answer instead of deploying twice. A re-run of the whole job is a new
 * attempt (GitHub's run attempt, GitLab's new job id, Azure's job attempt) and deploys anew.
 */
function pipelineRun(env: NodeJS.ProcessEnv): string | null {
  if (env['GITHUB_RUN_ID']) return `github-${env['GITHUB_RUN_ID']}-${env['GITHUB_RUN_ATTEMPT'] ?? '1'}`;
  if (env['CI_JOB_ID']) return `gitlab-${env['CI_JOB_ID']}`;
  if (env['BUILD_BUILDID']) return `azure-${env['BUILD_BUILDID']}-${env['SYSTEM_JOBATTEMPT'] ?? '1'}`;
  return null;
}

/**
 * The Idempotency-Key `rsgo hook` sends unless told one: the pipeline run and a hash of the
 * call (path and body), so that two different calls of one run never share a key; outside a
 * known CI system, a random key for this invocation (its retries share it).
 */
export function defaultIdempotencyKey(env: NodeJS.ProcessEnv, path: string, body: unknown): string {
  const run = pipelineRun(env);
  if (run === null) return `rsgo-${randomUUID()}`;
  const call = createHash('sha256').update(`${path}\n${JSON.stringify(body ?? null)}`).digest('hex').slice(0, 16);
  return `rsgo-${run}-${call}`.slice(0, 255);
}

import type { ExecutionContext } from 'ava';
import dockerRuntime from '../../../plugins/docker-runtime/index.js';
import { cleanUpDeployments } from '../../support/docker-cleanup.js';
import { startRuntimeFixture, type RuntimeFixture } from '../../support/runtime-fixture.js';

export type { RunOptions } from '../../support/runtime-fixture.js';

/** The docker-runtime plugin set up for one test, and a way to hand it plans. */
export type DockerRuntimeFixture = RuntimeFixture;

/**
 * Sets the plugin up with a short stop timeout (tests' containers stop on SIGTERM at once) and
 * a deploy timeout that a loaded machine still meets, plus whatever `options` adds.
 */
export async function startDockerRuntime(t: ExecutionContext, options: Record<string, unknown> = {}): Promise<DockerRuntimeFixture> {
  return startRuntimeFixture(t, dockerRuntime, { name: 'docker-test', options: { stopTimeoutSeconds: 2, ...options } }, cleanUpDeployments);
}

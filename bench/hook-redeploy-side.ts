import { ApiClient } from './api-client.js';
import type { BenchStack } from './bench-stack.js';
import { deployBenchStack, type NotMeasured } from './deploy-bench-stack.js';
import type { RedeployHostReport } from './redeploy-host.js';
import { startBenchChild, type BenchChild } from './start-bench-child.js';

/** The host's side of the redeploy benchmark: a deployed stack and a key allowed to redeploy it. */
export interface HookRedeploySide {
  /** One `POST /api/hooks/redeploy`; resolves when the host answered 200. */
  redeploy(): Promise<void>;
  /** Removes the deployment and stops the host. */
  close(): Promise<void>;
}

export type { NotMeasured };

/**
 * Starts a host whose catalog folder holds the stack's manifest, deploys the stack through
 * `POST /api/deployments` and creates an API key with `Hooks.Redeploy`, as an operator would.
 * `settleSeconds`: the Docker runtime's option of that name; its default when left out.
 * `swarm`: deploy to an environment of type `swarm` on the local engine instead of the default one.
 */
export async function startHookRedeploySide(
  stack: Pick<BenchStack, 'name'>,
  catalogFolder: string,
  settleSeconds?: number,
  swarm = false,
): Promise<HookRedeploySide | NotMeasured> {
  const args = [
    '--catalog',
    catalogFolder,
    ...(settleSeconds === undefined ? [] : ['--settle-seconds', String(settleSeconds)]),
    ...(swarm ? ['--swarm'] : []),
  ];
  const child: BenchChild<RedeployHostReport> = await startBenchChild<RedeployHostReport>('redeploy-host.ts', { args });
  const api = new ApiClient(child.report.url);
  let deploymentId: string | null = null;
  const close = async () => {
    if (deploymentId !== null) await api.call('DELETE', `/api/deployments/${deploymentId}`);
    await child.stop();
  };
  try {
    await api.signIn(child.report.admin.username, child.report.admin.password);
    const deployed = await deployBenchStack(api, stack, swarm);
    if ('notMeasured' in deployed) {
      await close();
      return deployed;
    }
    deploymentId = deployed.deploymentId;
    const { apiKey } = deployed;

    return {
      async redeploy() {
        const answer = await api.call('POST', '/api/hooks/redeploy', { body: { stackName: stack.name }, apiKey });
        if (answer.status !== 200) throw new Error(`redeploy answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

import test from 'ava';
import { z } from 'zod';
import { RuntimeRegistry } from '../../../core/hooks/runtime-registry.js';
import { createLogger } from '../../../core/logger.js';
import { inspectDeployment } from '../../../core/operations/inspect-deployment.js';

const log = createLogger({ level: 'silent' });
const environment = { id: 'env-1', name: 'edge', type: 'lab', settings: { zone: 'z1' } };
const deployment = { deploymentId: 'dep-1', stackName: 'shop' };
const running = { serviceName: 'web', containerId: 'c1', containerName: 'shop_web', image: 'web:1', imageId: 'sha256:1', status: 'running', lifecycle: 'service' } as const;

/** Runtimes whose only one serves `lab`; its inspect answers a running container unless the stack is `stuck`. */
function labRuntimes(): RuntimeRegistry {
  const runtimes = new RuntimeRegistry();
  runtimes.register(
    'lab-runtime',
    {
      type: 'lab',
      settings: z.object({ zone: z.string() }),
      publicSettings: () => ({}),
      inspect: ({ stackName }) => (stackName === 'stuck' ? new Promise(() => undefined) : Promise.resolve([running])),
    },
    log,
  );
  return runtimes;
}

test("inspect asks the runtime of the environment's type and answers the containers as a deployment records them", async (t) => {
  const { imageId: _, ...recorded } = running;
  t.deepEqual(await inspectDeployment(labRuntimes(), environment, deployment, log), {
    services: [recorded],
    health: {},
    // A runtime that reports no health, restarts or start time: none, 0 and unknown.
    states: { c1: { status: 'running', health: 'none', restartCount: 0, startedAt: null } },
  });
});

test('inspect answers an error when no runtime serves the type or the caller stops waiting', async (t) => {
  t.deepEqual(await inspectDeployment(labRuntimes(), { ...environment, type: 'docker' }, deployment, log), { error: "no runtime plugin serves environment type 'docker'." });
  const controller = new AbortController();
  const answer = inspectDeployment(labRuntimes(), environment, { ...deployment, stackName: 'stuck' }, log, controller.signal);
  controller.abort();
  t.deepEqual(await answer, { error: "Plugin 'lab-runtime' failed in hook 'inspect': did not answer before the host stopped waiting" });
});

import test from 'ava';
import { z } from 'zod';
import { createHostHooks } from '../../../core/hooks/host-hooks.js';
import { RuntimeRegistry } from '../../../core/hooks/runtime-registry.js';
import { createLogger } from '../../../core/logger.js';
import { PlanExecutor } from '../../../core/operations/plan-executor.js';

const log = createLogger({ level: 'silent' });
const environment = { id: 'env-1', name: 'edge', type: 'lab', settings: { zone: 'z1' } };
const deployment = { deploymentId: 'dep-1', stackName: 'shop' };
const running = { serviceName: 'web', containerId: 'c1', containerName: 'shop_web', image: 'web:1', imageId: 'sha256:1', status: 'running', lifecycle: 'service' } as const;

/** An executor whose only runtime serves `lab`; its inspect answers `answer` unless the stack is `stuck`. */
function executor(): PlanExecutor {
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
  return new PlanExecutor(createHostHooks(), runtimes, log, 60);
}

test("inspect asks the runtime of the environment's type and answers the containers as a deployment records them", async (t) => {
  const { imageId: _, ...recorded } = running;
  t.deepEqual(await executor().inspect(environment, deployment), { services: [recorded] });
});

test('inspect answers an error when no runtime serves the type or the caller stops waiting', async (t) => {
  t.deepEqual(await executor().inspect({ ...environment, type: 'docker' }, deployment), { error: "no runtime plugin serves environment type 'docker'." });
  const controller = new AbortController();
  const answer = executor().inspect(environment, { ...deployment, stackName: 'stuck' }, controller.signal);
  controller.abort();
  t.deepEqual(await answer, { error: "Plugin 'lab-runtime' failed in hook 'inspect': did not answer before the host stopped waiting" });
});

/**
 * A runtime for environments of type `docker` that touches no engine: it reports the steps the
 * Docker runtime reports for each service of a redeploy (pull, pulled, stop, remove, create,
 * start, wait, healthy), `stepMs` apart, and answers that every service runs. With `stepMs: 0`
 * an operation's work costs next to nothing, so the async hook's 202 can be loaded thousands of
 * times; with the Docker runtime's pace it drives the progress events SSE followers read.
 */
import { z } from 'zod';
import { setTimeout as sleep } from 'node:timers/promises';
import { definePlugin, type DeployedService } from '../core/plugin-api.js';

/** The steps of one service in a redeploy, in the Docker runtime's order. */
const REDEPLOY_STEPS = ['pull', 'pulled', 'stop', 'remove', 'create', 'start', 'wait', 'healthy'] as const;

/** Steps the runtime reports per service. */
export const STEPS_PER_SERVICE = REDEPLOY_STEPS.length;

export const pacedRuntimePlugin = definePlugin({
  id: 'bench-paced-runtime',
  apiVersion: '1.5',
  version: '0.1.0',
  options: z.object({ stepMs: z.number().int().min(0).default(0) }),
  setup(ctx) {
    ctx.runtime({
      type: 'docker',
      settings: z.looseObject({}),
      publicSettings: () => ({}),
      inspect: async () => [],
    });
    ctx.hooks.deploy.tap(async (plan, context) => {
      const services: DeployedService[] = [];
      for (const service of plan.services) {
        for (const step of REDEPLOY_STEPS) {
          if (ctx.options.stepMs > 0) await sleep(ctx.options.stepMs, undefined, { signal: context.signal });
          context.progress({ service: service.name, step, message: `${step} ${service.containerName}` });
        }
        const id = `${plan.deploymentId}-${service.name}`;
        services.push({ serviceName: service.name, containerId: id, containerName: service.containerName, image: service.image, imageId: 'sha256:bench', status: 'running', lifecycle: service.lifecycle, health: 'none' });
      }
      return { runtime: ctx.name, services };
    });
  },
});

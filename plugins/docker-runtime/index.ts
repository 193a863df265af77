import { definePlugin } from '../../core/plugin-api.js';
import { carryOutPlan } from './carry-out-plan.js';
import { dockerRuntimeOptions } from './docker-runtime-options.js';

/**
 * The `docker-runtime` plugin: carries out deploy plans for environments of type `docker` on a
 * Docker engine (local socket or remote TCP). Plans for other environment types are left to
 * other runtimes.
 */
export default definePlugin({
  id: 'docker-runtime',
  apiVersion: '1.3',
  version: '0.1.0',
  options: dockerRuntimeOptions,
  setup(ctx) {
    ctx.hooks.deploy.tap(async (plan, context) => {
      if (plan.environment.type !== 'docker') return undefined;
      return carryOutPlan(plan, context, ctx.name, ctx.options);
    });
    if (ctx.options.deployTimeoutSeconds !== undefined) {
      ctx.log.warn({}, "option deployTimeoutSeconds is no longer used: the host's deployments.timeoutSeconds is the one deadline of a deploy");
    }
    ctx.log.info(
      {
        socketPath: ctx.options.socketPath,
        pull: ctx.options.pull,
        settleSeconds: ctx.options.settleSeconds,
        registries: ctx.options.registries.map((r) => r.host),
        allowedBindRoots: ctx.options.allowedBindRoots,
      },
      'docker runtime ready',
    );
  },
});

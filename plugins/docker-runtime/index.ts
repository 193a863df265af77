import { definePlugin } from '../../core/plugin-api.js';
import { carryOutPlan } from './carry-out-plan.js';
import { controlStack } from './control-stack.js';
import { DockerEngine } from './docker-engine.js';
import { dockerEnvironmentSettings } from './docker-environment-settings.js';
import { dockerRuntimeOptions } from './docker-runtime-options.js';
import { inspectStack } from './inspect-stack.js';
import { stackLogs } from './stack-logs.js';

/** The environment type this runtime serves. */
const DOCKER = 'docker';

/**
 * The `docker-runtime` plugin: the runtime of environments of type `docker` on a Docker engine
 * (local socket or remote TCP). It carries out their deploy plans and reports what runs; plans
 * for other environment types are left to other runtimes.
 */
export default definePlugin({
  id: 'docker-runtime',
  apiVersion: '1.5',
  version: '0.1.0',
  options: dockerRuntimeOptions,
  setup(ctx) {
    ctx.runtime({
      type: DOCKER,
      settings: dockerEnvironmentSettings,
      // The engine address only: TLS client certificates are never shown.
      publicSettings: (settings) => ({ dockerHost: settings.dockerHost }),
      async inspect({ environment, deploymentId }) {
        const engine = DockerEngine.connect(environment, ctx.options);
        await engine.ping();
        return inspectStack(engine, deploymentId, []);
      },
      async control(action, { environment, deploymentId }, { signal }) {
        // Every engine request ends with the operation's deadline, as in a deploy.
        const engine = DockerEngine.connect(environment, ctx.options, signal);
        await engine.ping();
        return controlStack(engine, action, deploymentId, signal, {
          stopTimeoutSeconds: ctx.options.stopTimeoutSeconds,
          settleMs: ctx.options.settleSeconds * 1000,
        });
      },
      async *logs({ environment, deploymentId, service, tail, follow }, { signal }) {
        yield* stackLogs(DockerEngine.connect(environment, ctx.options), { deploymentId, service, tail, follow }, signal);
      },
    });
    ctx.hooks.deploy.tap(async (plan, context) => {
      if (plan.environment.type !== DOCKER) return undefined;
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

import { InputError, UnavailableError, definePlugin } from '../../core/plugin-api.js';
import { DockerEngine } from '../docker-runtime/docker-engine.js';
import { dockerEnvironment, dockerEnvironmentSettings } from '../docker-runtime/docker-environment-settings.js';
import { assertSwarmManager } from './assert-swarm-manager.js';
import { carryOutSwarmPlan } from './carry-out-swarm-plan.js';
import { inspectServices } from './inspect-services.js';
import { swarmRuntimeOptions } from './swarm-runtime-options.js';
import { SwarmServices } from './swarm-services.js';

/** The environment type this runtime serves. */
const SWARM = 'swarm';

/**
 * The `swarm-runtime` plugin: the runtime of environments of type `swarm`, a Docker Swarm
 * reached through one of its managers (local socket or remote TCP, as docker-runtime). A stack
 * becomes one Swarm service per manifest service on an overlay network of its own; updates
 * roll out as the manifest's update policy says and answer once Swarm converged or rolled back.
 */
export default definePlugin({
  id: 'swarm-runtime',
  apiVersion: '1.5',
  version: '0.1.0',
  options: swarmRuntimeOptions,
  setup(ctx) {
    ctx.runtime({
      type: SWARM,
      // The same engine address (and TLS client certificates) as a docker environment.
      settings: dockerEnvironmentSettings,
      publicSettings: (settings) => ({ dockerHost: settings.dockerHost }),
      async check({ name, settings }, { signal }) {
        const environment = dockerEnvironment({ id: '', name, type: SWARM, settings });
        const swarm = new SwarmServices(DockerEngine.connect(environment, ctx.options, signal));
        try {
          await swarm.engine.ping();
        } catch (err) {
          if (!(err instanceof UnavailableError)) throw err;
          throw new InputError(`${err.message}; a swarm environment needs a Swarm manager that answers.`, { code: 'ENVIRONMENT_SETTINGS' });
        }
        await assertSwarmManager(swarm, name, 'create');
      },
      async inspect({ environment, deploymentId }, { signal }) {
        const swarm = new SwarmServices(DockerEngine.connect(dockerEnvironment(environment), ctx.options, signal));
        await swarm.engine.ping();
        return inspectServices(swarm, deploymentId, []);
      },
    });
    ctx.hooks.deploy.tap(async (plan, context) => {
      if (plan.environment.type !== SWARM) return undefined;
      return carryOutSwarmPlan(plan, context, ctx.name, ctx.options);
    });
    ctx.log.info(
      {
        socketPath: ctx.options.socketPath,
        registries: ctx.options.registries.map((r) => r.host),
        convergeTimeoutSeconds: ctx.options.convergeTimeoutSeconds,
        allowedBindRoots: ctx.options.allowedBindRoots,
      },
      'swarm runtime ready',
    );
  },
});

import {
  DeploymentFailedError, UnavailableError, errorMessage, type DeployContext, type DeployProgress, type PlannedService,
} from '../../core/plugin-api.js';
import type { DeployDeadline } from './deploy-deadline.js';
import { DockerEngineError, type DockerEngine } from './docker-engine.js';

/** `always` pulls every image; `if-missing` only those the engine does not have. */
export type PullPolicy = 'always' | 'if-missing';

/**
 * Pulls every image the services need, each once, in parallel. Runs before anything is stopped:
 * when one pull fails, the deploy fails with every failed image named, and the environment is
 * exactly as it was.
 */
export async function pullImages(
  engine: DockerEngine,
  services: readonly PlannedService[],
  options: { policy: PullPolicy; deadline: DeployDeadline; progress: DeployContext['progress'] },
): Promise<void> {
  const users = new Map<string, string[]>();
  for (const service of services) {
    const names = users.get(service.image) ?? [];
    users.set(service.image, [...names, service.name]);
  }

  const outcomes = await Promise.allSettled(
    [...users].map(async ([image, serviceNames]) => {
      // Every service of the image hears of its pull; the engine's chatter goes to the first only.
      const report = (step: DeployProgress['step'], message: string) => {
        for (const service of serviceNames) options.progress({ service, step, message });
      };
      if (options.policy === 'if-missing' && (await engine.hasImage(image))) {
        report('pulled', `Image ${image} is present; not pulled (pull: if-missing)`);
        return;
      }
      report('pull', `Pulling ${image}`);
      try {
        await engine.pull(image, {
          signal: options.deadline.signal,
          onStatus: (status) => options.progress({ service: serviceNames[0] ?? null, step: 'pull', message: status }),
        });
      } catch (err) {
        const failure = pullFailure(err, image, serviceNames, options.deadline);
        report('failed', errorMessage(failure).split('\n')[0] ?? '');
        throw failure;
      }
      report('pulled', `Pulled ${image}`);
    }),
  );

  const failures = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
  const unreachable = failures.find((f) => f instanceof UnavailableError);
  if (unreachable) throw unreachable;
  if (failures.length > 0) {
    throw new DeploymentFailedError(failures.map(errorMessage).join('; '), { cause: failures[0] });
  }
}

function pullFailure(err: unknown, image: string, serviceNames: readonly string[], deadline: DeployDeadline): unknown {
  if (err instanceof UnavailableError) return err;
  const services = serviceNames.map((name) => `'${name}'`).join(', ');
  const what = `Could not pull image '${image}' for service ${services}`;
  if (deadline.expired) return deadline.failure(what);
  const reason = err instanceof DockerEngineError ? err.reason : errorMessage(err);
  return new DeploymentFailedError(`${what}: ${reason}`, { cause: err });
}

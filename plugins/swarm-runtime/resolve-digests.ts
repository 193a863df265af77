import { DeploymentFailedError, UnavailableError, errorMessage, type DeployContext, type PlannedService } from '../../core/plugin-api.js';
import type { DeployDeadline } from '../docker-runtime/deploy-deadline.js';
import { DockerEngineError } from '../docker-runtime/docker-engine.js';
import type { SwarmServices } from './swarm-services.js';

/**
 * Each service's image pinned to the digest its registry serves for the tag now
 * (`repo:tag@sha256:…`), asked once per image, in parallel, before anything changes: every
 * node then runs the same bytes, and a new image pushed under the same tag is a new spec. An
 * image its registry does not know fails the deploy, naming every such image, with nothing changed.
 * @returns the pinned reference by image reference.
 */
export async function resolveDigests(
  swarm: SwarmServices,
  services: readonly PlannedService[],
  deadline: DeployDeadline,
  progress: DeployContext['progress'],
): Promise<ReadonlyMap<string, string>> {
  const users = new Map<string, string[]>();
  for (const service of services) users.set(service.image, [...(users.get(service.image) ?? []), service.name]);

  const outcomes = await Promise.allSettled(
    [...users].map(async ([image, names]): Promise<[string, string]> => {
      const report = (step: 'pull' | 'pulled' | 'failed', message: string) => names.forEach((service) => progress({ service, step, message }));
      report('pull', `Resolving ${image} in its registry`);
      try {
        const digest = await swarm.registryDigest(image);
        if (digest === null) throw new Error('the registry named no digest');
        const pinned = `${image.replace(/@sha256:[0-9a-f]+$/, '')}@${digest}`;
        report('pulled', `${image} is ${digest}`);
        return [image, pinned];
      } catch (err) {
        const failure = resolveFailure(err, image, names, deadline);
        report('failed', errorMessage(failure).split('\n')[0] ?? '');
        throw failure;
      }
    }),
  );
  const failures = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
  const unreachable = failures.find((f) => f instanceof UnavailableError);
  if (unreachable) throw unreachable;
  if (failures.length > 0) throw new DeploymentFailedError(failures.map(errorMessage).join('; '), { cause: failures[0] });
  return new Map(outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : [])));
}

function resolveFailure(err: unknown, image: string, names: readonly string[], deadline: DeployDeadline): unknown {
  if (err instanceof UnavailableError) return err;
  const what = `Could not resolve image '${image}' for service ${names.map((name) => `'${name}'`).join(', ')}`;
  if (deadline.expired) return deadline.failure(what);
  return new DeploymentFailedError(`${what}: ${err instanceof DockerEngineError ? err.reason : errorMessage(err)}`, { cause: err });
}

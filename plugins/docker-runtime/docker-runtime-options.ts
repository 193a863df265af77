import { isAbsolute } from 'node:path';
import { z } from 'zod';

/** Credentials for one private registry, matched by the registry host of an image reference. */
export const registryCredentials = z.strictObject({
  /** Registry host as it appears in image references (`registry.acme.com`, `127.0.0.1:5000`, `docker.io`). */
  host: z.string().min(1),
  username: z.string().min(1),
  password: z.string(),
});

/** Options of the `docker-runtime` plugin, as written under `options:` in the config file. */
export const dockerRuntimeOptions = z.strictObject({
  /** Engine socket for environments whose `dockerHost` is `null`. */
  socketPath: z.string().min(1).default('/var/run/docker.sock'),
  /** Private registries; the password is sent to the engine only, never logged. */
  registries: z.array(registryCredentials).default([]),
  /** `always` pulls every image on every deploy, so a new image pushed under the same tag is what runs. */
  pull: z.enum(['always', 'if-missing']).default('always'),
  /** Grace period between SIGTERM and SIGKILL when a container is stopped. */
  stopTimeoutSeconds: z.number().int().min(0).default(10),
  /**
   * How long a service without a health check must be seen running, without a restart, to count
   * as started. 0: as soon as the engine reports it running (a crash a moment later goes unseen).
   */
  settleSeconds: z.number().min(0).max(600).default(2),
  /**
   * No longer used: the host's `deployments.timeoutSeconds` is the one deadline of a deploy.
   * Still accepted so that existing config files start; setup warns about it.
   */
  deployTimeoutSeconds: z.number().int().positive().optional(),
  /**
   * Host folders a stack may bind-mount by absolute path; any other absolute bind (`/`, the
   * Docker socket) fails the deploy before anything changes. Empty by default: named volumes
   * and sources inside the stack's own folder (`./data`) only.
   */
  allowedBindRoots: z.array(z.string().refine(isAbsolute, 'must be an absolute path')).default([]),
});

/** The validated options with defaults applied. */
export type DockerRuntimeOptions = z.output<typeof dockerRuntimeOptions>;

/** One entry of `registries`. */
export type RegistryCredentials = z.output<typeof registryCredentials>;

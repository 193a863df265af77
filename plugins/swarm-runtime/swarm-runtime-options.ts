import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { registryCredentials } from '../docker-runtime/docker-runtime-options.js';

/** Options of the `swarm-runtime` plugin, as written under `options:` in the config file. */
export const swarmRuntimeOptions = z.strictObject({
  /** Engine socket of a manager, for environments whose `dockerHost` is empty. */
  socketPath: z.string().min(1).default('/var/run/docker.sock'),
  /**
   * Private registries, as for docker-runtime. The manager resolves digests with them, and
   * every update carries them so that the nodes that run the tasks can pull.
   */
  registries: z.array(registryCredentials).default([]),
  /**
   * How long a deploy waits for Swarm to converge (every task running, healthy where checked)
   * or to finish rolling back, beyond which it fails. The operation's own deadline still applies.
   */
  convergeTimeoutSeconds: z.number().int().positive().max(86_400).default(300),
  /**
   * How long a converged service must be seen so, the same tasks running, to count as
   * converged: a task that crashes at once is seen running for a moment first. As
   * docker-runtime's option of the same name; not waited for once Swarm reports an update
   * completed (its monitor period watched the new tasks).
   */
  settleSeconds: z.number().min(0).max(600).default(2),
  /** Grace period between SIGTERM and SIGKILL when Swarm stops a task. */
  stopTimeoutSeconds: z.number().int().min(0).default(10),
  /** Host folders a stack may bind-mount by absolute path, as for docker-runtime; empty by default. */
  allowedBindRoots: z.array(z.string().refine(isAbsolute, 'must be an absolute path')).default([]),
});

/** The validated options with defaults applied. */
export type SwarmRuntimeOptions = z.output<typeof swarmRuntimeOptions>;

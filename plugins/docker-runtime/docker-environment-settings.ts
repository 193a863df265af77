import { z } from 'zod';
import type { PlanEnvironment, RuntimeEnvironment } from '../../core/plugin-api.js';

const blankToNull = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? null : value);

/** PEM text is kept exactly as given (no trimming). */
const pem = z.string({ error: 'must be PEM text (-----BEGIN ...)' }).refine((text) => text.trimStart().startsWith('-----BEGIN '), 'must be PEM text (-----BEGIN ...)');

/**
 * Settings of an environment of type `docker`, from the fields of `POST /api/environments`
 * besides name and type (other fields are ignored).
 */
export const dockerEnvironmentSettings = z
  .object({
    /** The engine: `unix:///path`, `tcp://host:port`; absent or blank for the runtime's own socket. */
    dockerHost: z.preprocess(
      blankToNull,
      z
        .string({ error: 'must be a unix://, tcp://, npipe:// or ssh:// address' })
        .trim()
        .regex(/^(unix|tcp|npipe|ssh):\/\/\S+$/, 'must be a unix://, tcp://, npipe:// or ssh:// address')
        .nullable()
        .default(null),
    ),
    /** Client certificates for a `tcp://` engine with TLS: the CA that signed the engine's certificate, the client's certificate and key. */
    tls: z.object({ ca: pem, cert: pem, key: pem }, { error: 'must be an object with ca, cert and key' }).nullable().default(null),
  })
  .refine((settings) => settings.tls === null || settings.dockerHost?.startsWith('tcp://') === true, {
    message: 'TLS client certificates need a tcp:// dockerHost',
    path: ['tls'],
  });

export type DockerEnvironmentSettings = z.output<typeof dockerEnvironmentSettings>;

/** An environment of type `docker` with its settings read. */
export type DockerEnvironment = RuntimeEnvironment<DockerEnvironmentSettings>;

/** The plan's environment with its settings read (they were checked when it was created). */
export function dockerEnvironment(environment: PlanEnvironment): DockerEnvironment {
  return { ...environment, settings: dockerEnvironmentSettings.parse(environment.settings) };
}

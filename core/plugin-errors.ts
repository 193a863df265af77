/**
 * The host's error classes as plugins see them: the very same classes (so `instanceof` holds
 * both ways), whose `code` option also takes a plugin's own codes. Inside the host a code must
 * be an `ErrorCode`; a plugin may answer with codes of its own (docs/plugins.md, "Errors").
 */
import type { ErrorCode } from './error-codes.js';
import * as host from './errors.js';

/** A code for a plugin's error: one of the host's (listed in docs/errors.md) or the plugin's own. */
export type PluginErrorCode = ErrorCode | (string & {});

/** The options every error class takes, as a plugin passes them. */
export type HostErrorOptions = host.HostErrorOptions<PluginErrorCode>;

/** A class whose options argument takes plugin codes; its other arguments and instances stay. */
type TakingPluginCodes<Class> = Class extends new (...args: infer Args) => infer Instance
  ? new (...args: { [K in keyof Args]: host.HostErrorOptions extends Args[K] ? HostErrorOptions | undefined : Args[K] }) => Instance
  : never;

/**
 * The same class, typed to take plugin codes. Sound because the host never reads a plugin's
 * code as one of its own: it only carries it on to the answer (as a `ForeignErrorCode`).
 */
function takingPluginCodes<Class>(errorClass: Class): TakingPluginCodes<Class> {
  return errorClass as TakingPluginCodes<Class>;
}

export const InputError = takingPluginCodes(host.InputError);
export type InputError = host.InputError;
export const AuthenticationError = takingPluginCodes(host.AuthenticationError);
export type AuthenticationError = host.AuthenticationError;
export const ForbiddenError = takingPluginCodes(host.ForbiddenError);
export type ForbiddenError = host.ForbiddenError;
export const NotFoundError = takingPluginCodes(host.NotFoundError);
export type NotFoundError = host.NotFoundError;
export const ConflictError = takingPluginCodes(host.ConflictError);
export type ConflictError = host.ConflictError;
export const TooManyRequestsError = takingPluginCodes(host.TooManyRequestsError);
export type TooManyRequestsError = host.TooManyRequestsError;
export const UpstreamError = takingPluginCodes(host.UpstreamError);
export type UpstreamError = host.UpstreamError;
export const UnavailableError = takingPluginCodes(host.UnavailableError);
export type UnavailableError = host.UnavailableError;
export const InternalError = takingPluginCodes(host.InternalError);
export type InternalError = host.InternalError;
export const DeploymentFailedError = takingPluginCodes(host.DeploymentFailedError);
export type DeploymentFailedError = host.DeploymentFailedError;

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
type TakingPluginCodes<Value> = Value extends new (...args: infer Args) => infer Instance
  ? new (...args: { [K in keyof Args]: host.HostErrorOptions extends Args[K] ? HostErrorOptions | undefined : Args[K] }) => Instance
  : Value;

/**
 * The module's classes, typed to take plugin codes. Sound because the host never reads a
 * plugin's code as one of its own: it only carries it on to the answer (as a `ForeignErrorCode`).
 */
const forPlugins = host as { readonly [Name in keyof typeof host]: TakingPluginCodes<(typeof host)[Name]> };

export const {
  AuthenticationError, ConflictError, DeploymentFailedError, ForbiddenError, InputError, InternalError, NotFoundError,
  RolledBackError, TooManyRequestsError, UnavailableError, UpstreamError,
} = forPlugins;
// Each class is a type as well, as it was when exported from errors.ts directly.
export type AuthenticationError = host.AuthenticationError;
export type ConflictError = host.ConflictError;
export type DeploymentFailedError = host.DeploymentFailedError;
export type ForbiddenError = host.ForbiddenError;
export type InputError = host.InputError;
export type InternalError = host.InternalError;
export type NotFoundError = host.NotFoundError;
export type RolledBackError = host.RolledBackError;
export type TooManyRequestsError = host.TooManyRequestsError;
export type UnavailableError = host.UnavailableError;
export type UpstreamError = host.UpstreamError;

/**
 * The host's error vocabulary. Code throws these semantic errors; exactly one place
 * (`core/http/error-mapper.ts`) turns them into HTTP responses.
 */
import type { ErrorCode } from './error-codes.js';

declare const carried: unique symbol;
/**
 * A code some plugin gave its own error (any text, docs/plugins.md), as the host carries it
 * on. Branded so that a string literal is never one: in the host a code is an `ErrorCode`,
 * and a typo is a type error.
 */
export type ForeignErrorCode = string & { readonly [carried]: true };

/** The code of an error the host holds: its own, or one a plugin chose. */
export type HostErrorCode = ErrorCode | ForeignErrorCode;

/** Safe extra fields a client may see next to `success`, `message` and `code`. */
export type ErrorBodyFields = Readonly<Record<string, unknown>>;

/** `Code` is what `code` may be: the host's codes, or (for plugins) any text. */
export interface HostErrorOptions<Code extends string = HostErrorCode> {
  readonly code?: Code;
  readonly cause?: unknown;
  /** Extra response fields (validation issues, the deployment id of a failed deploy...). */
  readonly fields?: ErrorBodyFields;
  /** Extra response headers (Retry-After, WWW-Authenticate). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Show the message of a 5xx to the client; 4xx messages are always shown. */
  readonly expose?: boolean;
}

/** Base class: an HTTP status, a stable SCREAMING_SNAKE code and a human sentence. */
export abstract class HostError extends Error {
  abstract readonly status: number;
  readonly code: HostErrorCode;
  readonly fields: ErrorBodyFields;
  readonly headers: Readonly<Record<string, string>>;
  readonly #expose: boolean | undefined;

  /** Takes any text as code: subclasses decide what they accept (the host's own take only `ErrorCode`). */
  constructor(message: string, defaultCode: string, options: HostErrorOptions<string> = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    // Past the constructors' checks, a code is either the host's or a plugin's own.
    this.code = (options.code ?? defaultCode) as HostErrorCode;
    this.fields = options.fields ?? {};
    this.headers = options.headers ?? {};
    this.#expose = options.expose;
  }

  /** Whether the message may reach the client: always for 4xx, on request for 5xx. */
  get expose(): boolean {
    return this.#expose ?? this.status < 500;
  }
}

/**
 * A 4xx: the caller's request is refused, and the message says why. Such errors are answers,
 * not defects: nobody reads where they were thrown, so no stack trace is taken (on an
 * async call path, taking one cost more than everything else about the error).
 */
abstract class ClientError extends HostError {
  constructor(message: string, defaultCode: string, options?: HostErrorOptions) {
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(message, defaultCode, options);
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
    }
  }
}

/** 400: the request is wrong; the message says how. */
export class InputError extends ClientError {
  readonly status = 400;
  constructor(message: string, options?: HostErrorOptions) {
    super(message, 'INVALID_INPUT', options);
  }
}

/** 401: no credentials, or credentials that are not accepted (never says which). */
export class AuthenticationError extends ClientError {
  readonly status = 401;
  constructor(message: string, options?: HostErrorOptions) {
    super(message, 'AUTH_INVALID', options);
  }
}

/** 403: authenticated, but not allowed to do this. */
export class ForbiddenError extends ClientError {
  readonly status = 403;
  constructor(message: string, options?: HostErrorOptions) {
    super(message, 'FORBIDDEN', options);
  }
}

/** 404: the addressed thing does not exist. */
export class NotFoundError extends ClientError {
  readonly status = 404;
  constructor(message: string, options?: HostErrorOptions) {
    super(message, 'NOT_FOUND', options);
  }
}

/** 405: the path exists but does not take this method; the Allow header lists those it takes. */
export class MethodNotAllowedError extends ClientError {
  readonly status = 405;
  constructor(message: string, options?: HostErrorOptions) {
    super(message, 'METHOD_NOT_ALLOWED', options);
  }
}

/** 409: the request clashes with the current state (duplicate, operation in progress). */
export class ConflictError extends ClientError {
  readonly status = 409;
  constructor(message: string, options?: HostErrorOptions) {
    super(message, 'CONFLICT', options);
  }
}

/** 422: an Idempotency-Key came again with another request than the one it was first sent with. */
export class IdempotencyKeyReusedError extends ClientError {
  readonly status = 422;
  constructor(message: string, options?: HostErrorOptions) {
    super(message, 'IDEMPOTENCY_KEY_REUSED', options);
  }
}

/** 413: the request body is larger than the host accepts. */
export class PayloadTooLargeError extends ClientError {
  readonly status = 413;
  constructor(message: string, options?: HostErrorOptions) {
    super(message, 'PAYLOAD_TOO_LARGE', options);
  }
}

/** 429: the client must slow down; `retryAfterSeconds` becomes the Retry-After header. */
export class TooManyRequestsError extends ClientError {
  readonly status = 429;
  constructor(message: string, retryAfterSeconds: number, options?: HostErrorOptions) {
    super(message, 'RATE_LIMITED', {
      ...options,
      headers: { ...options?.headers, 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
    });
  }
}

/** 502: a system the host depends on (Docker engine, registry, Git remote) failed. */
export class UpstreamError extends HostError {
  readonly status = 502;
  constructor(message: string, options?: HostErrorOptions) {
    super(message, 'UPSTREAM_FAILED', { expose: true, ...options });
  }
}

/** 503: the host cannot serve now (database down, engine unreachable, shutting down). */
export class UnavailableError extends HostError {
  readonly status = 503;
  constructor(message: string, options?: HostErrorOptions) {
    super(message, 'UNAVAILABLE', { expose: true, ...options });
  }
}

/** 500: something unexpected; details go to the log, never to the client. */
export class InternalError extends HostError {
  readonly status = 500;
  constructor(message: string, options?: HostErrorOptions) {
    super(message, 'INTERNAL', options);
  }
}

/** 500: a plugin's tap threw something that is not a HostError, or hung past its timeout. */
export class PluginError extends HostError {
  readonly status = 500;
  readonly plugin: string;
  readonly hook: string;
  constructor(plugin: string, hook: string, message: string, options?: HostErrorOptions) {
    super(`Plugin '${plugin}' failed in hook '${hook}': ${message}`, 'PLUGIN_FAILED', {
      ...options,
      fields: { plugin, hook, ...options?.fields },
    });
    this.plugin = plugin;
    this.hook = hook;
  }
}

/** Boot-time only: the config file or a plugin is wrong. Lists every problem in its message. */
export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[], options?: { cause?: unknown }) {
    super(
      problems.length === 1 ? `Invalid configuration: ${problems[0]}` : `Invalid configuration:\n  - ${problems.join('\n  - ')}`,
      options,
    );
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** A readable one-line reason from anything thrown. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'string') return err;
  return String(err);
}

/** 400: a deploy, redeploy or upgrade could not be carried out; the message is the reason. */
export class DeploymentFailedError extends ClientError {
  readonly status = 400;
  constructor(reason: string, options?: HostErrorOptions) {
    super(reason, 'DEPLOY_FAILED', options);
  }
}

/**
 * 400: the runtime could not carry out the change and put back what ran before by itself (an
 * orchestrator's own rollback), so the recorded containers still run.
 */
export class RolledBackError extends DeploymentFailedError {}

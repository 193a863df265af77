import { pino, type DestinationStream, type LevelWithSilent, type Logger as PinoLogger } from 'pino';

/** The logging interface the host and plugins write to (pino underneath). */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  /** A logger whose lines all carry `bindings` (e.g. `{ plugin: 'platform' }`). */
  child(bindings: Record<string, unknown>): Logger;
}

/** Fields censored at the top of a log line and one level down (`{ user: { password } }`). */
const secretFields = new Set(['password', 'token', 'apiKey', 'fullKey', 'secret']);
/** Request headers censored inside a `headers` field at the same two levels. */
const secretHeaders = new Set(['x-api-key', 'authorization', 'cookie']);
const CENSOR = '[redacted]';

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
};

type Censor = (name: string, value: unknown) => unknown;

/** `fields` with each value replaced by what `censor` makes of it; the same object if none changes. */
function replaceFields(fields: Record<string, unknown>, censor: Censor): Record<string, unknown> {
  let copy: Record<string, unknown> | null = null;
  for (const name in fields) {
    if (!Object.hasOwn(fields, name)) continue;
    const value = fields[name];
    const replacement = censor(name, value);
    if (replacement !== value) {
      copy ??= { ...fields };
      copy[name] = replacement;
    }
  }
  return copy ?? fields;
}

const censorHeader: Censor = (name, value) => (secretHeaders.has(name) ? CENSOR : value);
/** One level down: secret fields, and the secret headers of a `headers` field. */
const censorNested: Censor = (name, value) =>
  secretFields.has(name) ? CENSOR : name === 'headers' && isPlainObject(value) ? replaceFields(value, censorHeader) : value;
const censorTopHeaders: Censor = (name, value) => (secretHeaders.has(name) ? CENSOR : censorNested(name, value));
const censorTop: Censor = (name, value) => {
  if (secretFields.has(name)) return CENSOR;
  return isPlainObject(value) ? replaceFields(value, name === 'headers' ? censorTopHeaders : censorNested) : value;
};

/**
 * Credentials must never reach a log, even when a caller logs a whole object by mistake. Only
 * plain objects are looked into; an error goes to pino's error serializer as it is. Walking the
 * fields here costs a few set lookups per line: pino's path-based redaction, with its wildcards,
 * doubled the cost of every line, and the host writes one per request.
 */
function censorSecrets<T extends object>(fields: T): T {
  return isPlainObject(fields) ? (replaceFields(fields, censorTop) as T) : fields;
}

function censoring(logger: PinoLogger): Logger {
  const at = (level: 'debug' | 'info' | 'warn' | 'error') => (obj: object, msg?: string) => {
    if (logger.isLevelEnabled(level)) logger[level](censorSecrets(obj), msg);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: (bindings) => censoring(logger.child(censorSecrets(bindings))) };
}

export interface LoggerOptions {
  readonly level?: LevelWithSilent;
  /** Where lines go; stdout by default. Tests pass a stream to read the log back. */
  readonly destination?: DestinationStream;
}

/** A JSON-lines logger with secret redaction. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const base = { level: options.level ?? 'info', base: undefined };
  return censoring(options.destination ? pino(base, options.destination) : pino(base));
}

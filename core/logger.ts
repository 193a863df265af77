import { pino, type DestinationStream, type LevelWithSilent } from 'pino';

/** The logging interface the host and plugins write to (pino underneath). */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  /** A logger whose lines all carry `bindings` (e.g. `{ plugin: 'platform' }`). */
  child(bindings: Record<string, unknown>): Logger;
}

/**
 * Field paths censored wherever they appear in a log line: credentials must never reach a log,
 * even when a caller logs a whole object by mistake.
 */
const redactedPaths = [
  'password', '*.password', 'token', '*.token', 'apiKey', '*.apiKey', 'fullKey', '*.fullKey',
  'secret', '*.secret', 'headers["x-api-key"]', 'headers.authorization', 'headers.cookie',
  '*.headers["x-api-key"]', '*.headers.authorization', '*.headers.cookie',
];

export interface LoggerOptions {
  readonly level?: LevelWithSilent;
  /** Where lines go; stdout by default. Tests pass a stream to read the log back. */
  readonly destination?: DestinationStream;
}

/** A JSON-lines logger with secret redaction. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  const base = { level, redact: { paths: redactedPaths, censor: '[redacted]' }, base: undefined };
  return options.destination ? pino(base, options.destination) : pino(base);
}

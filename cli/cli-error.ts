import { ExitCode } from './exit-codes.js';

/** Extra facts about a failure, shown to people and put in the `--json` error body. */
export interface CliErrorDetails {
  /** The HTTP status the host answered with. */
  readonly status?: number;
  /** The host's stable error code (`AUTH_INVALID`...), or the CLI's own (`UNREACHABLE`...). */
  readonly code?: string;
  readonly requestId?: string;
  /** The host's whole error body, for `--json`. */
  readonly body?: Readonly<Record<string, unknown>>;
}

/** A failure the CLI reports as one line on stderr and a meaningful exit code. */
export class CliError extends Error {
  readonly exitCode: ExitCode;
  readonly details: CliErrorDetails;

  constructor(message: string, exitCode: ExitCode, details: CliErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.details = details;
  }
}

/** The command line is wrong; the message says how, and the command's `--help` is suggested. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, ExitCode.usage, { code: 'USAGE' });
  }
}

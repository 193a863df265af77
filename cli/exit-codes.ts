/**
 * What the exit status of `rsgo` means, so scripts can tell "fix your command" from "fix your
 * credentials" from "try again later". Documented in docs/cli.md; changing a value breaks scripts.
 */
export const ExitCode = {
  /** Done. */
  ok: 0,
  /** The host refused or could not carry out the operation (400, 404, 409...), or it failed locally. */
  failed: 1,
  /** The command line is wrong, or a required setting (such as RSGO_URL) is missing. */
  usage: 2,
  /** Credentials missing or refused (401), not allowed (403), or locked out by the brake (429). */
  auth: 3,
  /** The host could not be reached, or answered with a server error (5xx), after any retries. */
  unavailable: 4,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The exit code an HTTP error status stands for. */
export function exitCodeForStatus(status: number): ExitCode {
  if (status === 401 || status === 403 || status === 429) return ExitCode.auth;
  if (status >= 500) return ExitCode.unavailable;
  return ExitCode.failed;
}

/** The engine's words when the exec form names a program the image lacks (`exec: "wget": executable file not found in $PATH`). */
const EXEC_FAILED = /exec: "([^"]+)": (?:executable file not found|stat [^:]*: no such file or directory)/;
/** A shell's words for a command it cannot find (`/bin/sh: wget: not found`, `bash: wget: command not found`); it exits 127. */
const SHELL_NOT_FOUND = /(?:^|:\s)([^\s:]+): (?:command )?not found/;
/** What the host's own http and tcp probes say when the image has none of the clients they try. */
const PROBE_CLIENT_MISSING = /health check needs (.+) in the image/;

/**
 * The program a health check cannot run because the image does not have it, from one result of
 * the check (its output and exit code), or null when the check ran. Such a check can never
 * pass, so there is no point waiting for it.
 */
export function missingCheckCommand(output: string, exitCode: number | null): string | null {
  const exec = EXEC_FAILED.exec(output);
  if (exec?.[1] !== undefined) return exec[1];
  const probe = PROBE_CLIENT_MISSING.exec(output);
  if (probe?.[1] !== undefined) return probe[1];
  const shell = exitCode === 127 ? SHELL_NOT_FOUND.exec(output) : null;
  return shell?.[1] ?? null;
}

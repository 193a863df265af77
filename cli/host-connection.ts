import type { OptionSpecs } from './command.js';
import type { CommandInput } from './command-input.js';
import { CliError } from './cli-error.js';
import { ExitCode } from './exit-codes.js';
import { HostClient } from './host-client.js';

/** Where the management commands look for the host when neither `--url` nor `RSGO_URL` says. */
export const DEFAULT_HOST_URL = 'http://127.0.0.1:8080';

/** How long a quick management call may wait for its answer. */
export const QUICK_CALL_TIMEOUT_S = 60;

/** How long a deploy or sync may take: the host answers only when the work is done. */
export const OPERATION_TIMEOUT_S = 1_800;

/** The options of every command that talks to a running host. */
export const hostOptions = {
  url: { type: 'string', valueName: 'url', description: `the host's address (default: RSGO_URL, else ${DEFAULT_HOST_URL})` },
  token: { type: 'string', valueName: 'token', description: "session token (default: RSGO_TOKEN; get one with 'rsgo login')" },
  timeout: { type: 'string', valueName: 'seconds', description: 'give up when the host has not answered for this long' },
} as const satisfies OptionSpecs;

/** The host's address: `--url`, else `RSGO_URL`, else the local default. */
export function hostUrlOf(input: CommandInput): string {
  return input.string('url') ?? (input.env['RSGO_URL'] || DEFAULT_HOST_URL);
}

/** A client without credentials (for signing in). */
export function anonymousClient(input: CommandInput, timeoutSeconds = QUICK_CALL_TIMEOUT_S): HostClient {
  return new HostClient({ url: hostUrlOf(input), timeoutMs: input.durationMs('timeout', timeoutSeconds) });
}

/** A client for the management API, with the session token from `--token` or `RSGO_TOKEN`. */
export function managementClient(input: CommandInput, timeoutSeconds = QUICK_CALL_TIMEOUT_S): HostClient {
  const token = input.string('token') ?? input.env['RSGO_TOKEN'];
  if (token === undefined || token.trim() === '') {
    throw new CliError("No session token: set RSGO_TOKEN or pass --token (get one with 'rsgo login').", ExitCode.auth, { code: 'AUTH_REQUIRED' });
  }
  return new HostClient({
    url: hostUrlOf(input),
    headers: { authorization: `Bearer ${token.trim()}` },
    timeoutMs: input.durationMs('timeout', timeoutSeconds),
  });
}

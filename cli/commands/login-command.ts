import { commonOptions, type Command } from '../command.js';
import { formatTime } from '../format-time.js';
import { anonymousClient, hostOptions } from '../host-connection.js';
import { readSecret } from '../read-secret.js';

/** `rsgo login`: a session token for the management commands. */
export const loginCommand: Command = {
  name: 'login',
  summary: 'sign in and print a session token for RSGO_TOKEN',
  description:
    'Signs in with a username and password and prints the session token on stdout, so it can be captured into RSGO_TOKEN. ' +
    'The password is asked on a terminal (not echoed) or read from the first line of stdin.',
  options: {
    user: { type: 'string', short: 'u', valueName: 'name', description: 'the username (default: RSGO_USER, else admin)' },
    url: hostOptions.url,
    timeout: hostOptions.timeout,
    ...commonOptions,
  },
  examples: ['export RSGO_TOKEN=$(rsgo login --user admin)', 'printf "%s\\n" "$ADMIN_PASSWORD" | rsgo login --json'],
  async run(input) {
    const username = input.string('user') ?? (input.env['RSGO_USER'] || 'admin');
    const client = anonymousClient(input);
    const password = await readSecret(input.io, `Password for '${username}' at ${client.baseUrl.origin}: `);
    const body = await client.call('POST', '/api/auth/login', { username, password });
    if (input.json) return input.printJson(body);
    input.out(String(body['token']));
    input.note(`Signed in as '${username}'; the token is valid until ${formatTime(body['expiresAt'])}.`);
  },
};

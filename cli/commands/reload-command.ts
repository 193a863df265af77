import { commonOptions, type Command } from '../command.js';
import { hostOptions, managementClient, OPERATION_TIMEOUT_S } from '../host-connection.js';

/** `rsgo reload`: the running host re-reads its config file (POST /api/admin/reload), as on SIGHUP. */
export const reloadCommand: Command = {
  name: 'reload',
  summary: "make the running host re-read its config file and replace its plugins",
  description:
    'Asks the running host to read its config file again, as SIGHUP does. A valid file replaces the plugin set: operations already ' +
    'running finish on the plugins they started with, new requests use the new ones. An invalid file (or a plugin whose setup fails) ' +
    'is refused with the message a start would print, the command exits 1 and the host keeps its plugins. Changes to server.*, ' +
    'database.* and the other settings outside plugins and hooks are listed: they need a restart.',
  options: {
    ...hostOptions,
    timeout: { type: 'string', valueName: 'seconds', description: `give up when the host has not answered for this long (default: ${OPERATION_TIMEOUT_S})` },
    ...commonOptions,
  },
  examples: ['rsgo reload', 'rsgo reload --json | jq .plugins'],
  async run(input) {
    const body = await managementClient(input, OPERATION_TIMEOUT_S).call('POST', '/api/admin/reload');
    if (input.json) return input.printJson(body);
    input.out(String(body['message']));
  },
};

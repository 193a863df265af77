import { configPathOf } from '../../core/config/config-path.js';
import { CliError } from '../cli-error.js';
import { commonOptions, type Command } from '../command.js';
import { ExitCode } from '../exit-codes.js';

/** `rsgo serve`: the host itself, exactly as `npm start` runs it. */
export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the host (HTTP API and webhooks) until SIGTERM or SIGINT',
  description:
    'Loads the config file, runs pending database migrations, loads the plugins and serves the API. Logs are JSON lines on stdout. ' +
    'SIGTERM or SIGINT lets requests in flight finish (server.shutdownTimeoutMs), then exits 0.',
  options: {
    config: { type: 'string', short: 'c', valueName: 'path', description: 'the config file (default: RSGO_CONFIG, else config/rsgo.yaml)' },
    help: commonOptions.help,
  },
  examples: ['rsgo serve --config /etc/rsgo/rsgo.yaml'],
  async run(input) {
    // The host and its plugins load only here: the other commands are clients and start fast.
    const [{ serveHost, startFailureReason }, { builtinPlugins }] = await Promise.all([
      import('../../core/serve-host.js'),
      import('../../plugins/builtin-plugins.js'),
    ]);
    try {
      await serveHost({ configPath: configPathOf(input.string('config'), input.env), builtins: builtinPlugins });
    } catch (err) {
      throw new CliError(startFailureReason(err), ExitCode.failed, { code: 'START_FAILED' });
    }
  },
};

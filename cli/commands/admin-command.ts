import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError, errorMessage } from '../../core/errors.js';
import { configPathOf } from '../../core/config/config-path.js';
import { CliError } from '../cli-error.js';
import { commonOptions, type CommandGroup } from '../command.js';
import { ExitCode } from '../exit-codes.js';
import { readSecret } from '../read-secret.js';

/** The store's code is loaded only by the commands that open the store, so pipeline calls start fast. */
async function openConfiguredStore(configPath: string, env: NodeJS.ProcessEnv) {
  const [{ loadConfig }, { openStore, sqliteFilename }, { storeUnavailable }] = await Promise.all([
    import('../../core/config/load-config.js'),
    import('../../core/store/open-store.js'),
    import('../../core/to-host-error.js'),
  ]);
  const loaded = await loadConfig(configPath, env).catch((err: unknown) => {
    throw new CliError(err instanceof ConfigError ? err.message : errorMessage(err), ExitCode.failed, { code: 'CONFIG' });
  });
  const { config, configDir } = loaded;
  const dataDir = resolve(configDir, config.dataDir);
  if (config.database.client === 'sqlite') {
    const filename = sqliteFilename(config.database, configDir, dataDir);
    // Opening a missing file would create an empty store: the wrong config, not a new host.
    await access(filename).catch(() => {
      throw new CliError(`No database at ${filename}: is ${loaded.configPath} the config of the host?`, ExitCode.failed, { code: 'NO_DATABASE' });
    });
  }
  try {
    return await openStore(config.database, configDir, dataDir);
  } catch (err) {
    const unavailable = storeUnavailable(err);
    throw new CliError(`Cannot open the database: ${errorMessage(err)}`, unavailable ? ExitCode.unavailable : ExitCode.failed, { code: unavailable?.code ?? 'STORE' });
  }
}

/** `rsgo admin set-password`: offline administration, straight on the store. */
export const adminCommands: CommandGroup = {
  name: 'admin',
  summary: 'offline administration on the store (no running host needed)',
  commands: [
    {
      name: 'set-password',
      summary: "set a user's password directly in the store (e.g. a lost admin password)",
      args: ['<username>'],
      description:
        "Opens the host's database from its config file and replaces the user's password (scrypt, as the host stores it). " +
        'Works whether the host runs or not, and takes effect on the next sign-in. The password is asked twice on a terminal, ' +
        'or read from the first line of stdin; it is never taken from the command line. At least 12 characters.',
      options: {
        config: { type: 'string', short: 'c', valueName: 'path', description: "the host's config file (default: RSGO_CONFIG, else config/rsgo.yaml)" },
        create: { type: 'boolean', description: 'create the user when it does not exist' },
        ...commonOptions,
      },
      examples: ['rsgo admin set-password admin --config /etc/rsgo/rsgo.yaml', 'printf "%s\\n" "$NEW_PASSWORD" | rsgo admin set-password admin'],
      async run(input) {
        const username = input.argument(0, 'the username');
        const { MIN_ADMIN_PASSWORD_LENGTH, UserService } = await import('../../core/auth/user-service.js');
        const password = await readSecret(input.io, `New password for '${username}': `, true);
        if (password.length < MIN_ADMIN_PASSWORD_LENGTH) {
          throw new CliError(`The password must be at least ${MIN_ADMIN_PASSWORD_LENGTH} characters.`, ExitCode.usage, { code: 'USAGE' });
        }
        const store = await openConfiguredStore(configPathOf(input.string('config'), input.env), input.env);
        try {
          const users = new UserService(store);
          let user = await users.setPassword(username, password);
          const created = user === null && input.flag('create');
          if (created) user = await users.create(username, password);
          if (user === null) throw new CliError(`No user '${username}' in this store (use --create to add it).`, ExitCode.failed, { code: 'USER_NOT_FOUND' });
          const message = created ? `Created user '${user.username}'.` : `Password of '${user.username}' changed.`;
          if (input.json) return input.printJson({ success: true, message, username: user.username, created });
          input.out(message);
          input.note('Sessions signed in before stay valid until their tokens expire (auth.tokenTtlMinutes).');
        } finally {
          await store.destroy();
        }
      },
    },
  ],
};

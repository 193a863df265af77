import type { CommandEntry } from './command.js';
import { adminCommands } from './commands/admin-command.js';
import { catalogCommands } from './commands/catalog-command.js';
import { deployCommand } from './commands/deploy-command.js';
import { deploymentsCommands } from './commands/deployments-command.js';
import { envCommands } from './commands/env-command.js';
import { hookCommands } from './commands/hook-command.js';
import { keysCommands } from './commands/keys-command.js';
import { loginCommand } from './commands/login-command.js';
import { pluginCommands } from './commands/plugin-command.js';
import { reloadCommand } from './commands/reload-command.js';
import { serveCommand } from './commands/serve-command.js';

/** Every command of `rsgo`, in the order the help lists them. */
export const commandTree: readonly CommandEntry[] = [
  serveCommand,
  reloadCommand,
  loginCommand,
  adminCommands,
  keysCommands,
  envCommands,
  catalogCommands,
  deployCommand,
  deploymentsCommands,
  hookCommands,
  pluginCommands,
];

import type { CommandInput } from './command-input.js';

/** One command-line option, as `node:util` `parseArgs` takes it, plus its help. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** May be given more than once; the values are collected in order. */
  readonly multiple?: boolean;
  readonly description: string;
  /** Placeholder shown in help: `--env <name|id>`. */
  readonly valueName?: string;
}

/** Options by long name. */
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** A command that does one thing: `rsgo keys create`. */
export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Positional arguments for the usage line: `<name>` required, `[name]` optional. */
  readonly args?: readonly string[];
  /** What it does, in a few sentences, for `--help`. */
  readonly description?: string;
  readonly options: OptionSpecs;
  readonly examples?: readonly string[];
  /** Does the work; a failure is a thrown `CliError` with its exit code. */
  run(input: CommandInput): Promise<void>;
}

/** Commands under one noun: `rsgo keys create|list|revoke`. */
export interface CommandGroup {
  readonly name: string;
  readonly summary: string;
  readonly commands: readonly Command[];
}

/** A top-level entry: a command (`rsgo serve`) or a group (`rsgo keys ...`). */
export type CommandEntry = Command | CommandGroup;

/** Whether `entry` is a group of commands. */
export function isCommandGroup(entry: CommandEntry): entry is CommandGroup {
  return 'commands' in entry;
}

/** `--json` and `--help`, which every command takes. */
export const commonOptions = {
  json: { type: 'boolean', description: 'print the result as JSON on stdout (errors too) for scripts' },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
} as const satisfies OptionSpecs;

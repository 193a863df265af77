import { parseArgs, type ParseArgsConfig } from 'node:util';
import packageJson from '../package.json' with { type: 'json' };
import { errorMessage } from '../core/errors.js';
import type { CliIo } from './cli-io.js';
import { CliError, UsageError } from './cli-error.js';
import { isCommandGroup, type Command, type CommandEntry, type OptionSpecs } from './command.js';
import { CommandInput } from './command-input.js';
import { commandTree } from './command-tree.js';
import { ExitCode } from './exit-codes.js';
import { commandHelp, groupHelp, rootHelp } from './help-text.js';

const isHelp = (arg: string | undefined) => arg === '--help' || arg === '-h';

/** The options as `parseArgs` takes them (without the help texts). */
function parseArgsOptions(options: OptionSpecs): NonNullable<ParseArgsConfig['options']> {
  return Object.fromEntries(
    Object.entries(options).map(([name, option]) => [
      name,
      { type: option.type, ...(option.short === undefined ? {} : { short: option.short }), ...(option.multiple ? { multiple: true } : {}) },
    ]),
  );
}

/**
 * Reports a failure: `rsgo: <message>` on stderr (plus the HTTP facts, and a pointer to
 * `--help` for usage errors); with `--json`, the error body on stdout too. Returns the exit code.
 */
function reportFailure(io: CliIo, thrown: unknown, json: boolean, commandPath: string): ExitCode {
  const failure = thrown instanceof CliError ? thrown : new CliError(`unexpected error: ${errorMessage(thrown)}`, ExitCode.failed, { code: 'INTERNAL' });
  io.stderr.write(`rsgo: ${failure.message}\n`);
  const { status, code, requestId, body } = failure.details;
  if (status !== undefined) {
    const facts = [`HTTP ${status}`, code, requestId === undefined ? undefined : `request id ${requestId}`].filter(Boolean);
    io.stderr.write(`  (${facts.join(', ')})\n`);
  }
  if (failure instanceof UsageError) io.stderr.write(`Run '${commandPath} --help' for usage.\n`);
  if (!(thrown instanceof CliError) && io.env['RSGO_DEBUG']) io.stderr.write(`${thrown instanceof Error ? thrown.stack : String(thrown)}\n`);
  if (json) {
    const errorBody = body ?? { success: false, message: failure.message, code: code ?? 'FAILED', ...(status === undefined ? {} : { status }) };
    io.stdout.write(`${JSON.stringify(errorBody, null, 2)}\n`);
  }
  return failure.exitCode;
}

/** Finds the command `argv` names; `null` after printing help (the exit code in `done`). */
function findCommand(argv: readonly string[], io: CliIo, entries: readonly CommandEntry[]): { command: Command; path: string; args: string[] } | { done: ExitCode } {
  const [first, ...rest] = argv;
  if (first === undefined || isHelp(first) || first === 'help') {
    // `rsgo help keys create` is `rsgo keys create --help`.
    if (first === 'help' && rest.length > 0) return findCommand([...rest, '--help'], io, entries);
    (first === undefined ? io.stderr : io.stdout).write(rootHelp(entries));
    return { done: first === undefined ? ExitCode.usage : ExitCode.ok };
  }
  if (first === '--version' || first === '-V') {
    io.stdout.write(`${packageJson.version}\n`);
    return { done: ExitCode.ok };
  }
  const entry = entries.find((candidate) => candidate.name === first);
  if (!entry) throw new UsageError(`Unknown command '${first}'.`);
  if (!isCommandGroup(entry)) return { command: entry, path: `rsgo ${entry.name}`, args: rest };
  const [name, ...args] = rest;
  if (name === undefined || isHelp(name)) {
    (name === undefined ? io.stderr : io.stdout).write(groupHelp(entry));
    return { done: name === undefined ? ExitCode.usage : ExitCode.ok };
  }
  const command = entry.commands.find((candidate) => candidate.name === name);
  if (!command) throw new UsageError(`Unknown command 'rsgo ${entry.name} ${name}'; try ${entry.commands.map((item) => item.name).join(', ')}.`);
  return { command, path: `rsgo ${entry.name} ${command.name}`, args };
}

/**
 * Runs one `rsgo` command line and resolves its exit code (see `exit-codes.ts`). Never
 * throws: every failure is reported on stderr and becomes an exit code.
 */
export async function runCli(argv: readonly string[], io: CliIo, entries: readonly CommandEntry[] = commandTree): Promise<ExitCode> {
  let found;
  try {
    found = findCommand(argv, io, entries);
  } catch (err) {
    return reportFailure(io, err, argv.includes('--json'), 'rsgo');
  }
  if ('done' in found) return found.done;
  const { command, path, args } = found;
  const json = args.includes('--json');
  try {
    let parsed;
    try {
      parsed = parseArgs({ args, options: parseArgsOptions(command.options), allowPositionals: true, strict: true });
    } catch (err) {
      throw new UsageError(errorMessage(err));
    }
    if (parsed.values['help'] === true) {
      io.stdout.write(commandHelp(path, command));
      return ExitCode.ok;
    }
    const extra = parsed.positionals[command.args?.length ?? 0];
    if (extra !== undefined) throw new UsageError(`Unexpected argument '${extra}'.`);
    await command.run(new CommandInput(io, path, parsed.values, parsed.positionals));
    return ExitCode.ok;
  } catch (err) {
    return reportFailure(io, err, json, path);
  }
}

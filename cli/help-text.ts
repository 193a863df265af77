import packageJson from '../package.json' with { type: 'json' };
import { isCommandGroup, type Command, type CommandEntry, type CommandGroup, type OptionSpec } from './command.js';

const WIDTH = 80;

/** Wraps `text` to the help width, each line indented by `indent` spaces. */
function wrap(text: string, indent: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line !== '' && indent + line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines.map((item) => ' '.repeat(indent) + item).join('\n');
}

/** Two-column list: names padded to the widest, descriptions after. */
function columns(rows: readonly (readonly [string, string])[]): string {
  const width = Math.max(...rows.map(([name]) => name.length)) + 2;
  return rows.map(([name, text]) => `  ${name.padEnd(width)}${text}`.trimEnd()).join('\n');
}

function optionName(name: string, option: OptionSpec): string {
  const long = `--${name}${option.type === 'string' ? ` <${option.valueName ?? 'value'}>` : ''}`;
  return option.short === undefined ? `    ${long}` : `-${option.short}, ${long}`;
}

/** `rsgo --help`: every command, the environment variables and the exit codes. */
export function rootHelp(entries: readonly CommandEntry[]): string {
  const rows = entries.flatMap((entry): [string, string][] =>
    isCommandGroup(entry) ? entry.commands.map((command) => [`${entry.name} ${command.name}`, command.summary]) : [[entry.name, entry.summary]],
  );
  return [
    `rsgo ${packageJson.version}: run and operate an rsgo deployment host from a terminal or a pipeline.`,
    '',
    'Usage: rsgo <command> [options]',
    '',
    'Commands:',
    columns(rows),
    '',
    'Settings from the environment:',
    columns([
      ['RSGO_URL', "the host's address (management commands default to http://127.0.0.1:8080)"],
      ['RSGO_TOKEN', "session token of the management commands ('rsgo login')"],
      ['RSGO_API_KEY', "API key of 'rsgo hook'"],
      ['RSGO_CONFIG', "config file of 'rsgo serve' and 'rsgo admin'"],
    ]),
    '',
    'Exit codes: 0 done, 1 operation failed, 2 wrong usage, 3 authentication or permission,',
    '4 host unreachable or server error.',
    '',
    "Run 'rsgo <command> --help' for a command's options and examples.",
    '',
  ].join('\n');
}

/** `rsgo keys --help`: the commands of one group. */
export function groupHelp(group: CommandGroup): string {
  return [
    `rsgo ${group.name}: ${group.summary}`,
    '',
    `Usage: rsgo ${group.name} <${group.commands.map((command) => command.name).join('|')}> [options]`,
    '',
    'Commands:',
    columns(group.commands.map((command) => [command.name, command.summary])),
    '',
    `Run 'rsgo ${group.name} <command> --help' for a command's options and examples.`,
    '',
  ].join('\n');
}

/** `rsgo keys create --help`: usage, description, options and examples of one command. */
export function commandHelp(path: string, command: Command): string {
  const args = command.args?.length ? ` ${command.args.join(' ')}` : '';
  const options = Object.entries(command.options).map(([name, option]): [string, string] => [
    optionName(name, option),
    option.multiple ? `${option.description} (repeatable)` : option.description,
  ]);
  return [
    `Usage: ${path}${args} [options]`,
    '',
    wrap(`${command.summary[0]?.toUpperCase() ?? ''}${command.summary.slice(1)}.`, 0),
    ...(command.description === undefined ? [] : ['', wrap(command.description, 0)]),
    '',
    'Options:',
    columns(options),
    ...(command.examples?.length ? ['', 'Examples:', ...command.examples.map((example) => `  ${example}`)] : []),
    '',
  ].join('\n');
}

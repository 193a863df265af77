import test from 'ava';
import { Readable } from 'node:stream';
import { isCommandGroup } from '../../cli/command.js';
import { commandTree } from '../../cli/command-tree.js';
import { runCli as runInProcess } from '../../cli/run-cli.js';
import { runCli } from '../support/run-cli.js';

/** Runs `rsgo` in this process with captured output (for checks over every command). */
async function inProcess(args: readonly string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runInProcess(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    stdin: Readable.from([]),
    env: {},
  });
  return { code, stdout, stderr };
}

const commandPaths = commandTree.flatMap((entry) => (isCommandGroup(entry) ? entry.commands.map((command) => [entry.name, command.name]) : [[entry.name]]));

test('every command answers --help with its usage, every option and exit code 0', async (t) => {
  t.true(commandPaths.length >= 16);
  for (const path of commandPaths) {
    const { code, stdout, stderr } = await inProcess([...path, '--help']);
    t.is(code, 0, path.join(' '));
    t.is(stderr, '');
    t.true(stdout.startsWith(`Usage: rsgo ${path.join(' ')}`), stdout);
    const entry = commandTree.find((item) => item.name === path[0]);
    const command = entry && isCommandGroup(entry) ? entry.commands.find((item) => item.name === path[1]) : entry;
    for (const option of Object.keys(command && !isCommandGroup(command) ? command.options : {})) t.true(stdout.includes(`--${option}`), `${path.join(' ')} --${option}`);
  }
});

test('every group answers --help with its commands; a group alone prints it on stderr with exit 2', async (t) => {
  for (const group of commandTree.filter(isCommandGroup)) {
    const help = await inProcess([group.name, '--help']);
    t.is(help.code, 0);
    for (const command of group.commands) t.regex(help.stdout, new RegExp(`^ {2}${command.name} `, 'm'));
    const bare = await inProcess([group.name]);
    t.is(bare.code, 2);
    t.is(bare.stderr, help.stdout);
  }
});

test('rsgo --help lists every command and the exit codes; rsgo alone is a usage error', async (t) => {
  const help = await runCli(['--help']);
  t.is(help.code, 0);
  for (const path of commandPaths) t.regex(help.stdout, new RegExp(`^ {2}${path.join(' ')} `, 'm'));
  t.regex(help.stdout, /Exit codes: 0 done, 1 operation failed, 2 wrong usage, 3 authentication or permission,\n4 host unreachable or server error\./);
  const bare = await runCli([]);
  t.is(bare.code, 2);
  t.is(bare.stderr, help.stdout);
  const helpFor = await runCli(['help', 'hook', 'upgrade']);
  t.is(helpFor.code, 0);
  t.regex(helpFor.stdout, /^Usage: rsgo hook upgrade \[options\]/);
});

test('an unknown command exits 2 and --json reports it as JSON', async (t) => {
  const run = await inProcess(['deploymnets', 'list', '--json']);
  t.is(run.code, 2);
  t.is(run.stderr, "rsgo: Unknown command 'deploymnets'.\nRun 'rsgo --help' for usage.\n");
  t.deepEqual(JSON.parse(run.stdout), { success: false, message: "Unknown command 'deploymnets'.", code: 'USAGE' });
});

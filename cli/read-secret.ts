import type { CliIo, InputStream } from './cli-io.js';
import { CliError, UsageError } from './cli-error.js';
import { ExitCode } from './exit-codes.js';

const ENTER = new Set(['\r', '\n']);
const CTRL_C = '\u0003';
const CTRL_D = '\u0004';
const BACKSPACE = new Set(['\u007f', '\b']);

/** Asks on the terminal with echo off; the answer is never shown, nor kept in shell history. */
function promptHidden(stdin: InputStream, stderr: CliIo['stderr'], prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    stderr.write(prompt);
    stdin.setRawMode?.(true);
    stdin.setEncoding('utf8');
    stdin.resume();
    let value = '';
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      stderr.write('\n');
    };
    function onData(chunk: string | Buffer) {
      for (const char of String(chunk)) {
        if (ENTER.has(char) || char === CTRL_D) {
          finish();
          resolve(value);
          return;
        }
        if (char === CTRL_C) {
          finish();
          reject(new CliError('Cancelled.', ExitCode.failed));
          return;
        }
        value = BACKSPACE.has(char) ? [...value].slice(0, -1).join('') : value + char;
      }
    }
    stdin.on('data', onData);
  });
}

/** The first line a pipe sends (`echo "$PASSWORD" | rsgo ...`), without its line break. */
async function firstLine(stdin: InputStream): Promise<string> {
  let text = '';
  for await (const chunk of stdin) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  return text.split(/\r?\n/)[0] ?? '';
}

/**
 * Reads a secret such as a password: on a terminal it is typed with echo off (twice when
 * `confirm`, and both must match); from a pipe, the first line is taken. Secrets are never
 * taken from the command line, where `ps` and the shell history would keep them.
 */
export async function readSecret(io: CliIo, prompt: string, confirm = false): Promise<string> {
  if (!io.stdin.isTTY) {
    const value = await firstLine(io.stdin);
    if (value === '') throw new UsageError('Expected the password on the first line of stdin, got nothing.');
    return value;
  }
  const value = await promptHidden(io.stdin, io.stderr, prompt);
  if (confirm && (await promptHidden(io.stdin, io.stderr, 'Repeat it: ')) !== value) {
    throw new UsageError('The two passwords differ.');
  }
  return value;
}

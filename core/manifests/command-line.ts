/** `command` / `entrypoint` strings, split into arguments the way compose splits them. */
import { InputError } from '../errors.js';
import type { CommandManifest } from './manifest-model.js';

/**
 * Splits a shell-like command line into arguments: whitespace separates, single quotes keep
 * text literally, double quotes keep it with `\"` and `\\` escapes, a backslash outside quotes
 * escapes the next character. No variables, globs or pipes: nothing here runs a shell.
 * @throws InputError when a quote is not closed.
 */
export function splitCommandLine(text: string): string[] {
  const args: string[] = [];
  let current = '';
  let inArg = false;
  let i = 0;
  while (i < text.length) {
    const ch = text.charAt(i);
    if (/\s/.test(ch)) {
      if (inArg) args.push(current);
      current = '';
      inArg = false;
      i++;
    } else if (ch === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new InputError(`Unclosed ' in command ${JSON.stringify(text)}`);
      current += text.slice(i + 1, end);
      inArg = true;
      i = end + 1;
    } else if (ch === '"') {
      i++;
      while (i < text.length && text[i] !== '"') {
        const next = text[i + 1];
        if (text[i] === '\\' && (next === '"' || next === '\\' || next === '$' || next === '`')) {
          current += next;
          i += 2;
        } else {
          current += text[i];
          i++;
        }
      }
      if (i >= text.length) throw new InputError(`Unclosed " in command ${JSON.stringify(text)}`);
      inArg = true;
      i++;
    } else if (ch === '\\' && i + 1 < text.length) {
      current += text.charAt(i + 1);
      inArg = true;
      i += 2;
    } else {
      current += ch;
      inArg = true;
      i++;
    }
  }
  if (inArg) args.push(current);
  return args;
}

/** The argument list a container gets for a (substituted) command or entrypoint. */
export function commandArgs(command: CommandManifest | null): string[] | null {
  if (command === null) return null;
  return typeof command === 'string' ? splitCommandLine(command) : [...command];
}

import type { CliIo } from './cli-io.js';
import { UsageError } from './cli-error.js';

/** What a command was given: its parsed options and arguments, and where to write. */
export class CommandInput {
  readonly io: CliIo;
  /** `rsgo keys create`: for messages that point at `--help`. */
  readonly commandPath: string;
  readonly positionals: readonly string[];
  readonly #values: Readonly<Record<string, unknown>>;

  constructor(io: CliIo, commandPath: string, values: Readonly<Record<string, unknown>>, positionals: readonly string[]) {
    this.io = io;
    this.commandPath = commandPath;
    this.#values = values;
    this.positionals = positionals;
  }

  /** Whether `--json` was given: results go to stdout as JSON. */
  get json(): boolean {
    return this.flag('json');
  }

  get env(): NodeJS.ProcessEnv {
    return this.io.env;
  }

  flag(name: string): boolean {
    return this.#values[name] === true;
  }

  /** A string option, `undefined` when absent. */
  string(name: string): string | undefined {
    const value = this.#values[name];
    return typeof value === 'string' ? value : undefined;
  }

  /** A repeatable option's values in order (empty when absent). */
  strings(name: string): string[] {
    const value = this.#values[name];
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
  }

  /** A string option that must be there. */
  required(name: string): string {
    const value = this.string(name);
    if (value === undefined || value.trim() === '') throw new UsageError(`Missing --${name}.`);
    return value;
  }

  /** A positive number of seconds from option `name`, else `fallbackSeconds`; in milliseconds. */
  durationMs(name: string, fallbackSeconds: number): number {
    const given = this.string(name);
    if (given === undefined) return fallbackSeconds * 1_000;
    const seconds = Number(given);
    if (given.trim() === '' || !Number.isFinite(seconds) || seconds <= 0) {
      throw new UsageError(`Invalid --${name} '${given}': expected a positive number of seconds.`);
    }
    return seconds * 1_000;
  }

  /** A whole number from option `name` (or the `envName` variable), at least `min`. */
  integer(name: string, fallback: number, min: number, envName?: string): number {
    const given = this.string(name) ?? (envName === undefined ? undefined : this.env[envName]);
    if (given === undefined || given === '') return fallback;
    const value = Number(given);
    if (!Number.isInteger(value) || value < min) {
      throw new UsageError(`Invalid ${this.string(name) === undefined ? envName : `--${name}`} '${given}': expected a whole number of at least ${min}.`);
    }
    return value;
  }

  /** The positional argument at `index`, which must be there; `label` names it in the message. */
  argument(index: number, label: string): string {
    const value = this.positionals[index];
    if (value === undefined || value.trim() === '') throw new UsageError(`Missing ${label}.`);
    return value;
  }

  /** Writes a line to stdout. */
  out(line = ''): void {
    this.io.stdout.write(`${line}\n`);
  }

  /** Writes a line to stderr (progress, warnings, notes). */
  note(line: string): void {
    this.io.stderr.write(`${line}\n`);
  }

  /** Prints `value` as indented JSON on stdout. */
  printJson(value: unknown): void {
    this.out(JSON.stringify(value, null, 2));
  }
}

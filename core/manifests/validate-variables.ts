/**
 * Variable values for one deployment: which value wins, whether it is valid, and how it may
 * be shown. Every problem is collected so a user fixes them all in one go.
 */
import { InputError } from '../errors.js';
import type { VariableDefinition } from './manifest-model.js';
import { parseDecimal } from './manifest-reader.js';

/** A value that fails its definition. The message never contains the value (it may be a secret). */
export interface VariableProblem {
  readonly name: string;
  readonly message: string;
}

/** Resolved values (every declared name, plus undeclared names the layers supply) and their problems. */
export interface ResolvedVariables {
  readonly values: Readonly<Record<string, string>>;
  readonly problems: readonly VariableProblem[];
}

/** What a stack lets a request set: its merged definitions and every name its manifest declares or uses. */
export interface StackVariables {
  readonly variables: readonly VariableDefinition[];
  /** Declared names plus every `${NAME}` its services use. */
  readonly variableNames: ReadonlySet<string>;
}

/** What `maskPasswords` shows instead of a password. */
export const PASSWORD_MASK = '********';

/** Local part and domain as in the HTML spec's e-mail check, but the domain needs a dot. */
const emailAddress =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

function isEmail(value: string): boolean {
  if (value.length > 254 || !emailAddress.test(value)) return false;
  const local = value.slice(0, value.lastIndexOf('@'));
  return local.length <= 64 && !local.startsWith('.') && !local.endsWith('.') && !local.includes('..');
}

/** An absolute http(s) URL with a host. `URL` alone is too lenient (`http:/x` parses). */
function isHttpUrl(value: string): boolean {
  if (!/^https?:\/\/[^\s/?#]/i.test(value) || /\s/.test(value)) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

function rangeProblem(def: VariableDefinition, value: number, label: string): string | null {
  if (def.min !== null && value < def.min) return `${label} must be at least ${def.min}`;
  if (def.max !== null && value > def.max) return `${label} must be at most ${def.max}`;
  return null;
}

/**
 * The problem with a non-empty value of a variable, or null. Checks by type: Number (and
 * min/max), Port (whole number 1–65535, and min/max), Boolean (`true|false|1|0`), Select
 * (one of the options), Url, Email, and the pattern for String and Password.
 */
export function checkVariableValue(def: VariableDefinition, value: string): string | null {
  const label = def.label ?? def.name;
  switch (def.type) {
    case 'Number': {
      const number = parseDecimal(value);
      return number === null ? `${label} must be a number` : rangeProblem(def, number, label);
    }
    case 'Port': {
      const port = /^\s*\d{1,5}\s*$/.test(value) ? Number(value) : NaN;
      if (!(port >= 1 && port <= 65535)) return `${label} must be a port number from 1 to 65535`;
      return rangeProblem(def, port, label);
    }
    case 'Boolean':
      return /^(true|false|1|0)$/i.test(value.trim()) ? null : `${label} must be true, false, 1 or 0`;
    case 'Select':
      return def.options.some((option) => option.value === value)
        ? null
        : `${label} must be one of: ${def.options.map((option) => option.value).join(', ')}`;
    case 'Url':
      return isHttpUrl(value) ? null : `${label} must be an http or https URL`;
    case 'Email':
      return isEmail(value) ? null : `${label} must be an e-mail address`;
    case 'String':
    case 'Password': {
      if (def.pattern === null) return null;
      let pattern: RegExp;
      try {
        pattern = new RegExp(def.pattern);
      } catch {
        return null; // manifests with a broken pattern are rejected when loaded; nothing to check here
      }
      return pattern.test(value) ? null : (def.patternError ?? `${label} does not match the pattern ${def.pattern}`);
    }
    default:
      return null;
  }
}

/**
 * A stack's effective definitions: its own variables replace shared ones of the same name,
 * except that a stack variable without a default keeps the shared default (the documented
 * precedence is stack default, then shared default). Shared order first, then stack-only names.
 */
export function mergeVariableDefinitions(
  shared: readonly VariableDefinition[],
  stack: readonly VariableDefinition[],
): VariableDefinition[] {
  const merged = new Map(shared.map((def) => [def.name, def]));
  for (const def of stack) {
    const base = merged.get(def.name);
    if (base === undefined || def.default !== null) {
      merged.set(def.name, def);
      continue;
    }
    const fallback = base.default;
    merged.set(def.name, { ...def, default: fallback, required: def.requiredGiven ?? fallback === null });
  }
  return [...merged.values()];
}

/**
 * Resolves every variable and validates the result. Precedence per name: the first layer
 * holding the name (pass `[request, stored]`; a key that is present wins even when empty),
 * then the definition's default (already stack-over-shared after
 * {@link mergeVariableDefinitions}), then the empty string. Undeclared names in the layers are
 * passed through unvalidated so `${NAME}` placeholders without a declaration still work.
 */
export function resolveVariables(
  defs: readonly VariableDefinition[],
  layers: readonly Readonly<Record<string, string>>[],
): ResolvedVariables {
  const values = new Map<string, string>();
  for (const layer of [...layers].reverse()) {
    for (const [name, value] of Object.entries(layer)) values.set(name, value);
  }
  const problems: VariableProblem[] = [];
  for (const def of defs) {
    const given = layers.find((layer) => Object.hasOwn(layer, def.name));
    const value = given?.[def.name] ?? def.default ?? '';
    values.set(def.name, value);
    if (value.trim() === '') {
      if (def.required) problems.push({ name: def.name, message: `${def.label ?? def.name} is required` });
      continue;
    }
    const problem = checkVariableValue(def, value);
    if (problem !== null) problems.push({ name: def.name, message: problem });
  }
  // Object.fromEntries defines own properties, so a `__proto__` name stays an ordinary key.
  return { values: Object.fromEntries(values), problems };
}

/** Control characters a value may not hold: every one but tab, LF and CR (the engine refuses NUL). */
const controlCharacter = /(?![\t\n\r])\p{Cc}/u;

/**
 * Refuses what a request may not set: names that none of `stacks` declares or uses (a caller
 * must not steer a placeholder the manifest did not expose, nor store values no manifest
 * reads), and values with control characters, which the engine would refuse only after the old
 * containers are gone.
 * @throws InputError `VARIABLE_UNKNOWN` listing the unknown names, else `VARIABLE_INVALID`
 * naming the variables whose values hold a control character.
 */
export function checkRequestedVariables(requested: Readonly<Record<string, string>>, stacks: readonly StackVariables[]): void {
  const unknown = Object.keys(requested).filter((name) => !stacks.some((stack) => stack.variableNames.has(name)));
  if (unknown.length > 0) {
    throw new InputError(`Unknown variables: ${unknown.join(', ')}.`, { code: 'VARIABLE_UNKNOWN', fields: { variables: unknown } });
  }
  assertNoControlCharacters(requested);
}

/** @throws InputError `VARIABLE_INVALID` naming every variable whose value holds a control character. */
export function assertNoControlCharacters(values: Readonly<Record<string, string>>): void {
  const invalid = Object.entries(values).filter(([, value]) => controlCharacter.test(value)).map(([name]) => name);
  if (invalid.length > 0) {
    throw new InputError(`Variable values may not hold control characters other than tab, LF and CR: ${invalid.join(', ')}.`, {
      code: 'VARIABLE_INVALID',
      fields: { variables: invalid },
    });
  }
}

/** Only the values of `requested` that `stack` declares or uses. */
export function variablesOf(stack: StackVariables, requested: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(requested).filter(([name]) => stack.variableNames.has(name)));
}

/**
 * {@link resolveVariables} for a deploy of one stack: `requested` (checked by
 * {@link checkRequestedVariables}) over `stored`. Every resolved value is checked for control
 * characters too, stored ones and defaults included.
 * @throws InputError as {@link checkRequestedVariables}, or listing every definition problem in
 * `fields.problems`.
 */
export function requireValidVariables(
  stack: StackVariables,
  requested: Readonly<Record<string, string>>,
  stored: Readonly<Record<string, string>> = {},
): Readonly<Record<string, string>> {
  checkRequestedVariables(requested, [stack]);
  const { values, problems } = resolveVariables(stack.variables, [requested, stored]);
  assertNoControlCharacters(values);
  if (problems.length > 0) {
    throw new InputError(`Invalid variables: ${problems.map((problem) => problem.message).join('; ')}`, {
      fields: { problems },
    });
  }
  return values;
}

/** The names of the `Password` variables among `defs`: values never shown or logged. */
export function secretVariableNames(defs: readonly VariableDefinition[]): string[] {
  return defs.filter((def) => def.type === 'Password').map((def) => def.name);
}

/** A copy of `values` with the values of `secretNames` shown as {@link PASSWORD_MASK}. */
export function maskSecretValues(values: Readonly<Record<string, string>>, secretNames: Iterable<string>): Record<string, string> {
  const secret = new Set(secretNames);
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [name, secret.has(name) ? PASSWORD_MASK : value]));
}

/** A copy of `values` with every Password variable shown as {@link PASSWORD_MASK}. */
export function maskPasswords(
  defs: readonly VariableDefinition[],
  values: Readonly<Record<string, string>>,
): Record<string, string> {
  return maskSecretValues(values, secretVariableNames(defs));
}

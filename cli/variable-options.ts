import { UsageError } from './cli-error.js';

/** `--var NAME=VALUE` (repeatable) as an object; the first `=` separates, so values may contain `=`. */
export function parseVariables(assignments: readonly string[]): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const assignment of assignments) {
    const split = assignment.indexOf('=');
    const name = split < 0 ? '' : assignment.slice(0, split).trim();
    if (name === '') throw new UsageError(`Invalid --var '${assignment}': expected NAME=VALUE.`);
    variables[name] = assignment.slice(split + 1);
  }
  return variables;
}

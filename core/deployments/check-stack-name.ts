import { InputError } from '../errors.js';

/** What Docker accepts as the start of container, network and volume names. */
const stackNamePattern = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$/;

/**
 * A stack name usable as the prefix of engine names, trimmed.
 * @throws InputError naming `field` when it is not.
 */
export function checkStackName(name: string, field: string): string {
  const trimmed = name.trim();
  if (!stackNamePattern.test(trimmed)) {
    throw new InputError(
      `Invalid ${field} '${name}': a stack name is 1 to 80 letters, digits, '_', '.' or '-', starting with a letter or digit.`,
      { code: 'INVALID_STACK_NAME' },
    );
  }
  return trimmed;
}

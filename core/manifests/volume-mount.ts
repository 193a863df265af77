/**
 * Volume entries: `name:/path[:ro|rw]` mounts a named volume, `/abs:/path` or `./rel:/path`
 * a host folder (bind mount).
 */
import { InputError } from '../errors.js';
import { maskVariables } from './substitute-variables.js';

/** A mount as a deploy needs it. A named volume's `source` is still the manifest's name. */
export interface VolumeMount {
  readonly type: 'volume' | 'bind';
  readonly source: string;
  readonly target: string;
  readonly readOnly: boolean;
}

/** The syntax every volume message quotes. */
export const VOLUME_SYNTAX = 'expected "name:/path[:ro]", "/host/path:/path[:ro]" or "./relative:/path[:ro]"';

/** What Docker accepts as a volume name. */
const volumeName = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

const MASK = '\u0000';

/** Whether a mount source is a host path rather than a volume name. */
export function isBindSource(source: string): boolean {
  return source.startsWith('/') || source.startsWith('.') || source.startsWith('~') || source.includes('/');
}

interface VolumeParts {
  readonly source: string;
  readonly target: string;
  readonly mode: string | null;
}

function splitVolume(spec: string): VolumeParts | null {
  const parts = spec.split(':');
  const [source, target, mode] = parts;
  if (parts.length < 2 || parts.length > 3 || source === undefined || target === undefined) return null;
  return { source, target, mode: mode ?? null };
}

function volumeProblem(parts: VolumeParts, lenient: boolean): string | null {
  const decided = (text: string): boolean => !(lenient && text.includes(MASK));
  const { source, target, mode } = parts;
  if (source === '' || target === '') return VOLUME_SYNTAX;
  if (decided(source) && !isBindSource(source) && !volumeName.test(source)) {
    return `${JSON.stringify(source)} is neither a volume name nor a path (start host paths with / or ./)`;
  }
  if (decided(target) && !target.startsWith('/')) return `mount target ${JSON.stringify(target)} is not an absolute path`;
  if (mode !== null && decided(mode) && mode !== 'ro' && mode !== 'rw') return `mode ${JSON.stringify(mode)} is not ro or rw`;
  return null;
}

/** Checks an entry that may still hold `${VAR}` placeholders; returns the problem or null. */
export function checkVolumeSyntax(spec: string): string | null {
  const masked = maskVariables(spec, MASK);
  const parts = splitVolume(masked);
  if (parts === null) return VOLUME_SYNTAX;
  return volumeProblem(parts, true);
}

/**
 * Parses a substituted volume entry for a deploy.
 * @throws InputError naming the entry when it is malformed.
 */
export function parseVolumeMount(spec: string): VolumeMount {
  const parts = splitVolume(spec);
  const problem = parts === null ? VOLUME_SYNTAX : volumeProblem(parts, false);
  if (parts === null || problem !== null) {
    throw new InputError(`Invalid volume ${JSON.stringify(spec)}: ${problem ?? VOLUME_SYNTAX}`);
  }
  return {
    type: isBindSource(parts.source) ? 'bind' : 'volume',
    source: parts.source,
    target: parts.target,
    readOnly: parts.mode === 'ro',
  };
}

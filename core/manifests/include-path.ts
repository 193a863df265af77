/** Include paths inside a catalog source. */
import { posix } from 'node:path';

/**
 * The source-relative path an `include:` names, resolved against the including file's folder.
 * A source must not reach files outside its root, so absolute paths, Windows paths and any
 * path that climbs above the root are refused.
 * @throws Error saying why the path is refused.
 */
export function resolveIncludePath(fromFile: string, include: string): string {
  if (include.trim() === '') throw new Error('include path is empty');
  if (include.includes('\0')) throw new Error('include path holds a NUL character');
  if (include.includes('\\')) throw new Error(`include path ${JSON.stringify(include)} must use forward slashes`);
  if (include.startsWith('/') || /^[A-Za-z]:/.test(include)) {
    throw new Error(`include path ${JSON.stringify(include)} must be relative to the including file`);
  }
  const resolved = posix.normalize(posix.join(posix.dirname(fromFile), include));
  if (resolved === '..' || resolved.startsWith('../') || posix.isAbsolute(resolved)) {
    throw new Error(`include path ${JSON.stringify(include)} leaves the source root`);
  }
  if (resolved === '.' || resolved.endsWith('/')) throw new Error(`include path ${JSON.stringify(include)} names a folder`);
  return resolved;
}

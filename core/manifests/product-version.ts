/** Product versions: SemVer 2.0, with a leading `v` tolerated. */
import semver from 'semver';

/**
 * The canonical form of a version (`v1.2.0` → `1.2.0`, build metadata kept), or null when it
 * is not SemVer 2.0.
 */
export function normaliseVersion(raw: string): string | null {
  const trimmed = raw.trim().replace(/^[vV](?=\d)/, '');
  if (!/^\d/.test(trimmed)) return null;
  const parsed = semver.parse(trimmed);
  if (parsed === null) return null;
  return parsed.build.length > 0 ? `${parsed.version}+${parsed.build.join('.')}` : parsed.version;
}

/**
 * Orders versions by SemVer precedence: pre-releases below their release, build metadata
 * ignored. Text that is not SemVer sorts below every valid version, and among itself by
 * case-insensitive text so the order stays total.
 */
export function compareVersions(a: string, b: string): number {
  const left = normaliseVersion(a);
  const right = normaliseVersion(b);
  if (left !== null && right !== null) return semver.compare(left, right);
  if (left !== null) return 1;
  if (right !== null) return -1;
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

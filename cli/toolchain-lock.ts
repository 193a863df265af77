/**
 * A package-lock for a new plugin package's toolchain, taken from the host's own lock: the very
 * versions (and integrity hashes) the host was installed with. npm then installs the plugin's
 * development dependencies from its cache, offline, when the host was installed on that machine.
 */

interface LockEntry {
  readonly version?: string;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly [field: string]: unknown;
}

export interface PackageLock {
  readonly name: string;
  readonly version: string;
  readonly lockfileVersion: 3;
  readonly requires: true;
  readonly packages: Readonly<Record<string, LockEntry>>;
}

/** Where Node would find `dependency` when `from` (a lock path, `node_modules/a/node_modules/b`) imports it. */
function locate(packages: Readonly<Record<string, LockEntry>>, from: string, dependency: string): string | null {
  let base = from;
  for (;;) {
    const candidate = base === '' ? `node_modules/${dependency}` : `${base}/node_modules/${dependency}`;
    if (packages[candidate]) return candidate;
    if (base === '') return null;
    const parent = base.lastIndexOf('/node_modules/');
    base = parent < 0 ? '' : base.slice(0, parent);
  }
}

/**
 * The lock of a package `name@version` whose development dependencies are `devDependencies`
 * (names the host's lock holds): their entries and everything they need, as the host has them.
 * Null when the host's lock lacks one of them.
 */
export function toolchainLock(hostLock: { readonly packages: Readonly<Record<string, LockEntry>> }, name: string, version: string, devDependencies: readonly string[]): PackageLock | null {
  const { packages } = hostLock;
  const picked: Record<string, LockEntry> = {};
  const visit = (path: string) => {
    const entry = packages[path];
    if (!entry || picked[path]) return;
    picked[path] = { ...entry, dev: true };
    const needs = { ...entry.peerDependencies, ...entry.optionalDependencies, ...entry.dependencies };
    for (const dependency of Object.keys(needs)) {
      const found = locate(packages, path, dependency);
      if (found) visit(found);
    }
  };
  const root: Record<string, string> = {};
  for (const dependency of devDependencies) {
    const path = `node_modules/${dependency}`;
    const version = packages[path]?.version;
    if (version === undefined) return null;
    root[dependency] = version;
    visit(path);
  }
  return { name, version, lockfileVersion: 3, requires: true, packages: { '': { name, version, devDependencies: root }, ...picked } };
}

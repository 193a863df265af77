import { lstat, realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { DeploymentFailedError, type Mount, type PlannedService } from '../../core/plugin-api.js';

type BindMount = Extract<Mount, { type: 'bind' }>;

/** The path of `path` below `root`, or null when it is not inside it. */
function below(path: string, root: string): string | null {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel)) ? rel : null;
}

/** The folder with its links followed, as far as this machine can tell (a missing one as written). */
async function realFolder(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    return resolve(path);
  }
}

/** The first symbolic link among the existing folders from `root` down to `root/rel`, or null. */
async function firstLink(root: string, rel: string): Promise<string | null> {
  let current = root;
  for (const part of rel.split(sep).filter((p) => p !== '')) {
    current = join(current, part);
    let isLink: boolean;
    try {
      isLink = (await lstat(current)).isSymbolicLink();
    } catch {
      return null; // missing from here on: the engine creates folders, not links
    }
    if (isLink) return current;
  }
  return null;
}

/** What the check made of one bind: the path to mount, or why not. */
type Verdict = { readonly path: string } | { readonly refused: string };

async function judge(mount: BindMount, roots: readonly string[], local: boolean): Promise<Verdict> {
  const source = resolve(mount.source);
  const allowed = mount.stackFolder === undefined ? roots : [mount.stackFolder];
  for (const root of allowed) {
    const real = local ? await realFolder(root) : resolve(root);
    const rel = below(source, resolve(root)) ?? below(source, real);
    if (rel === null) continue;
    const link = local ? await firstLink(real, rel) : null;
    if (link !== null) return { refused: `crosses the symbolic link ${link}` };
    return { path: join(real, rel) };
  }
  if (mount.stackFolder !== undefined) return { refused: `leaves the stack's folder ${mount.stackFolder}` };
  return { refused: roots.length === 0 ? 'is a host path' : `is outside ${roots.join(', ')}` };
}

/**
 * Checks every bind of the plan's services (before anything is pulled or changed, and again
 * right before each container is created and started) and returns them with each bind source
 * replaced by the path that was checked, which is what the engine is given. A source the manifest gave
 * relative to the stack (`stackFolder` set) must stay inside that folder; any other must lie
 * under one of `roots` (the operator's `allowedBindRoots`; none by default). On a local engine
 * the roots' own links are followed, but a path that crosses a symbolic link below a root is
 * refused: the engine follows links again when it mounts, so a link a container wrote into its
 * own bind could otherwise lead anywhere.
 * @throws DeploymentFailedError `BIND_NOT_ALLOWED` naming every refused service and path, and
 * the option that allows host paths.
 */
export async function assertAllowedBinds(
  services: readonly PlannedService[],
  roots: readonly string[],
  /** The engine runs on this machine (its socket), so its bind paths are this machine's paths. */
  local: boolean,
): Promise<PlannedService[]> {
  const refused: string[] = [];
  const checked: PlannedService[] = [];
  for (const service of services) {
    const mounts: Mount[] = [];
    for (const mount of service.mounts) {
      const verdict = mount.type === 'bind' ? await judge(mount, roots, local) : { path: mount.source };
      if ('refused' in verdict) refused.push(`service '${service.name}' binds '${mount.source}', which ${verdict.refused}`);
      else mounts.push({ ...mount, source: verdict.path });
    }
    checked.push({ ...service, mounts });
  }
  if (refused.length > 0) {
    throw new DeploymentFailedError(
      `Bind mount not allowed: ${refused.join('; ')}. Host paths outside a stack's folder must lie under the docker-runtime option allowedBindRoots` +
        ` (now ${roots.length === 0 ? 'empty' : roots.join(', ')}).`,
      { code: 'BIND_NOT_ALLOWED' },
    );
  }
  return checked;
}

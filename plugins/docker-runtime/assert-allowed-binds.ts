import { realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { DeploymentFailedError, type DeployPlan } from '../../core/plugin-api.js';

/**
 * The path a bind source really names on this machine: `..` collapsed and every symbolic link
 * followed, as far as the path exists (a missing tail is created by the engine as written).
 */
async function realPathOf(path: string): Promise<string> {
  const missing: string[] = [];
  for (let current = resolve(path); ; current = dirname(current)) {
    try {
      return join(await realpath(current), ...missing.reverse());
    } catch {
      if (current === dirname(current)) return resolve(path);
      missing.push(basename(current));
    }
  }
}

const isInside = (path: string, root: string): boolean => {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
};

/**
 * Refuses a plan that bind-mounts a host path outside `roots` (the operator's `allowedBindRoots`),
 * before anything is pulled or changed. `undefined` allows every path. On a `local` engine (on
 * this machine, so its bind paths are this machine's paths) links are followed, so a link inside an allowed root that points elsewhere (a container may have
 * written one into its own bind mount) is judged by where it leads.
 * @throws DeploymentFailedError `BIND_NOT_ALLOWED` naming every refused service and path.
 */
export async function assertAllowedBinds(plan: DeployPlan, roots: readonly string[] | undefined, local: boolean): Promise<void> {
  if (roots === undefined) return;
  const allowed = await Promise.all(roots.map((root) => (local ? realPathOf(root) : resolve(root))));
  const refused: string[] = [];
  for (const service of plan.services) {
    for (const mount of service.mounts) {
      if (mount.type !== 'bind') continue;
      const source = isAbsolute(mount.source) ? (local ? await realPathOf(mount.source) : resolve(mount.source)) : null;
      if (source === null || !allowed.some((root) => isInside(source, root))) {
        refused.push(`service '${service.name}' binds '${mount.source}'${source !== null && source !== mount.source ? ` (${source})` : ''}`);
      }
    }
  }
  if (refused.length > 0) {
    const where = roots.length === 0 ? 'bind mounts are not allowed here' : `bind mounts must stay inside ${roots.join(', ')}`;
    throw new DeploymentFailedError(`${where}: ${refused.join('; ')}. Nothing was changed.`, { code: 'BIND_NOT_ALLOWED' });
  }
}

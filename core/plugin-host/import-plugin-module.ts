import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { errorMessage } from '../errors.js';
import { providePluginApi } from './provide-plugin-api.js';

/** How a `use` that is not a built-in was found. */
export type ModuleOrigin = 'path' | 'package';

/**
 * The imported module; or `notInstalled` (no package of that name anywhere the host looks);
 * or any other reason it could not be imported, in words of its own.
 */
export type ImportedPlugin =
  | { readonly module: unknown; readonly origin: ModuleOrigin }
  | { readonly notInstalled: true }
  | { readonly problem: string };

function isPath(use: string): boolean {
  return use.startsWith('./') || use.startsWith('../') || isAbsolute(use);
}

/** Whether `err` says that `use` itself was not found (not a module it imports). */
function isMissing(err: unknown, use: string): boolean {
  const { code } = err as { code?: unknown };
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && errorMessage(err).includes(`'${use}'`);
}

/**
 * The entry of package `use`: beside the host first, then beside the config file (an
 * installation's own node_modules); null when neither has a package of that name.
 */
function packageEntry(use: string, configDir: string): string | null {
  const lookups = [
    () => import.meta.resolve(use),
    () => pathToFileURL(createRequire(join(configDir, 'rsgo.config')).resolve(use)).href,
  ];
  for (const lookup of lookups) {
    try {
      return lookup();
    } catch (err) {
      if (!isMissing(err, use)) throw err;
    }
  }
  return null;
}

/**
 * Imports a plugin given by path (relative to the config folder) or package name, with the
 * host's `rsgo/plugin` provided to it. Tells apart: nothing there, a package that cannot be
 * resolved, and a module whose own import failed (a missing dependency of the plugin, a syntax
 * error), so the operator fixes the right thing.
 */
export async function importPluginModule(use: string, configDir: string): Promise<ImportedPlugin> {
  let url: string;
  const origin: ModuleOrigin = isPath(use) ? 'path' : 'package';
  if (origin === 'path') {
    const file = resolve(configDir, use);
    if (!existsSync(file)) return { problem: `cannot load plugin '${use}': there is no file ${file}` };
    url = pathToFileURL(file).href;
  } else {
    let entry: string | null;
    try {
      entry = packageEntry(use, configDir);
    } catch (err) {
      return { problem: `plugin package '${use}' is installed but cannot be resolved: ${errorMessage(err)}` };
    }
    if (entry === null) return { notInstalled: true };
    url = entry;
  }
  providePluginApi();
  try {
    return { module: await import(url), origin };
  } catch (err) {
    const where = url.startsWith('file:') ? fileURLToPath(url) : url;
    return { problem: `plugin '${use}' was found (${where}) but its own import failed: ${errorMessage(err)}` };
  }
}

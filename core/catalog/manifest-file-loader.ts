/** Reads and parses the files of one source once each, however often they are included. */
import { PluginError } from '../errors.js';
import type { SourceFiles } from './catalog-source.js';
import { ManifestError } from './manifest-error.js';
import type { LoadedManifestFile, ManifestFiles } from './manifest-files.js';
import type { ManifestLimits } from './manifest-limits.js';
import { parseManifestYaml } from './manifest-yaml.js';
import { ParsedManifestCache } from './parsed-manifest-cache.js';
import { SourceFileRefusal } from './source-file-refusal.js';

/**
 * Why a read failed. A source's refusal says so safely; otherwise only the error code
 * (`ENOENT`): file-system messages carry the host's absolute paths, which must not reach
 * catalog warnings.
 */
function readFailure(err: unknown): string {
  if (err instanceof SourceFileRefusal) return err.message;
  const code = typeof err === 'object' && err !== null && 'code' in err ? err.code : undefined;
  return typeof code === 'string' ? `cannot be read (${code})` : 'cannot be read';
}

/** Loads source files through `SourceFiles.read`, caching the result per path. */
export class ManifestFileLoader implements ManifestFiles {
  readonly #files: SourceFiles;
  readonly #limits: ManifestLimits;
  readonly #parsed: ParsedManifestCache;
  readonly #cache = new Map<string, Promise<LoadedManifestFile>>();

  /** `parsed` keeps parsed files across syncs of the same source; none is kept by default. */
  constructor(files: SourceFiles, limits: ManifestLimits, parsed = new ParsedManifestCache()) {
    this.#files = files;
    this.#limits = limits;
    this.#parsed = parsed;
  }

  load(path: string): Promise<LoadedManifestFile> {
    let loaded = this.#cache.get(path);
    if (loaded === undefined) {
      loaded = this.#load(path);
      this.#cache.set(path, loaded);
    }
    return loaded;
  }

  async #load(path: string): Promise<LoadedManifestFile> {
    let text: string;
    try {
      text = await this.#files.read(path);
    } catch (err) {
      // A source that hangs or misbehaves fails as a whole (and keeps its last good state);
      // only a file it cannot deliver is that file's problem.
      if (err instanceof PluginError) throw err;
      return { ok: false, reason: 'unreadable', message: readFailure(err) };
    }
    try {
      return { ok: true, root: this.#parsed.parse(text, this.#limits, () => parseManifestYaml(text, path, this.#limits)) };
    } catch (err) {
      if (err instanceof ManifestError) return { ok: false, reason: 'invalid', issues: err.issues };
      throw err;
    }
  }
}

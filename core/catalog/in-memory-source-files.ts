import { createHash } from 'node:crypto';
import { dump } from 'js-yaml';
import type { SourceFiles } from '../hooks/catalog-source.js';

/** A manifest as text (YAML) or as the parsed value (a plain object, as JSON would give). */
export type ManifestContent = string | Readonly<Record<string, unknown>>;

/**
 * Source files held in memory, for sources that fetch everything at once (one API call, one
 * archive) or already have parsed manifests. Objects are written out as YAML, so the host
 * parses, validates and reports them exactly like files. The revision is `revision` when given,
 * else a digest of the contents, so equal contents never get re-parsed.
 */
export function inMemorySourceFiles(contents: Readonly<Record<string, ManifestContent>>, revision?: string): SourceFiles {
  const texts = new Map<string, string>();
  for (const [path, content] of Object.entries(contents)) texts.set(path, typeof content === 'string' ? content : dump(content));
  const digest = createHash('sha256');
  for (const [path, text] of [...texts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) digest.update(`${path}\0${text}\0`);
  return {
    files: [...texts.keys()],
    revision: revision ?? digest.digest('hex'),
    async read(path) {
      const text = texts.get(path);
      if (text === undefined) throw Object.assign(new Error(`'${path}' is not one of the source's files`), { code: 'ENOENT' });
      return text;
    },
  };
}

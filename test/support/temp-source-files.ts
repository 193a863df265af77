import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import type { ExecutionContext } from 'ava';
import type { SourceFiles } from '../../core/hooks/catalog-source.js';

/** A source folder on disk plus the folder around it (to place files a source must not reach). */
export interface TempSource {
  readonly files: SourceFiles;
  /** The source root. */
  readonly root: string;
  /** The folder holding the root; files written here are outside the source. */
  readonly outside: string;
  /** Every path `read` was asked for, in order. */
  readonly reads: string[];
}

async function listFiles(root: string, folder = root): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const full = join(folder, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(root, full)));
    else out.push(relative(root, full).split(sep).join('/'));
  }
  return out.sort();
}

/**
 * Writes `tree` (source-relative path → content) into a fresh temp folder and returns a
 * `SourceFiles` that lists and reads it back from disk, like a local-folder source would.
 * `unlisted` paths are written but left out of `files` (reachable only through includes).
 */
export async function tempSource(
  t: ExecutionContext,
  tree: Readonly<Record<string, string | Buffer>>,
  options: { unlisted?: readonly string[]; outside?: Readonly<Record<string, string>> } = {},
): Promise<TempSource> {
  const outside = await mkdtemp(join(tmpdir(), 'rsgo-catalog-'));
  t.teardown(() => rm(outside, { recursive: true, force: true }));
  const root = join(outside, 'source');
  await mkdir(root);
  for (const [path, content] of Object.entries(tree)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  for (const [path, content] of Object.entries(options.outside ?? {})) {
    await mkdir(dirname(join(outside, path)), { recursive: true });
    await writeFile(join(outside, path), content);
  }
  const unlisted = new Set(options.unlisted ?? []);
  const listed = (await listFiles(root)).filter((path) => !unlisted.has(path));
  const reads: string[] = [];
  const files: SourceFiles = {
    files: listed,
    revision: null,
    read: async (path) => {
      reads.push(path);
      return readFile(join(root, path), 'utf8');
    },
  };
  return { files, root, outside, reads };
}

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ExecutionContext } from 'ava';

/**
 * A temp folder to use as the config folder, with catalog folders written into it
 * (`{'stacks/a.yaml': '...'}`); deleted when the test ends. Returns its path.
 */
export async function catalogFolder(t: ExecutionContext, tree: Readonly<Record<string, string>>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'rsgo-catalog-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  await writeTree(root, tree);
  return root;
}

/** Writes (or overwrites) files below `root`. */
export async function writeTree(root: string, tree: Readonly<Record<string, string>>): Promise<void> {
  for (const [path, content] of Object.entries(tree)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * This host's id, kept in its data folder: the operations it runs carry it, so that after a
 * restart it knows which unfinished ones were its own (several hosts may share one database).
 */
export async function loadHostId(dataDir: string): Promise<string> {
  const file = join(dataDir, 'host-id');
  try {
    const kept = (await readFile(file, 'utf8')).trim();
    if (/^[0-9a-f-]{36}$/.test(kept)) return kept;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const id = randomUUID();
  await writeFile(file, `${id}\n`, { mode: 0o600 });
  return id;
}
